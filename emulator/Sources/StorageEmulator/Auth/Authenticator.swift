import Foundation

/// Decides who sent a request (SharedKey, SAS or nobody) and whether that credential may
/// perform an operation. Signatures are verified exactly as Azure verifies them.
public struct Authenticator: Sendable {
    public var accounts: [String: StorageAccount]
    public var policies: any StoredAccessPolicyLookup
    /// Accepted for Azurite compatibility; the emulator accepts any well-formed `x-ms-version` anyway.
    public var loose: Bool

    public init(accounts: [StorageAccount], policies: any StoredAccessPolicyLookup, loose: Bool = false) {
        self.accounts = Dictionary(accounts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.policies = policies
        self.loose = loose
    }

    /// Verifies the request's signature, if any. A wrong or malformed one is 403 `AuthenticationFailed`.
    public func authenticate(_ request: StorageRequest, now: Date = Date()) async throws -> Credential {
        guard let account = accounts[request.account] else {
            throw StorageError(
                .forbidden, "AuthenticationFailed", "The account \(request.account) does not exist in this emulator.",
                details: [("AuthenticationErrorDetail", "Unknown account \(request.account)")])
        }
        if let authorization = request.header("authorization") {
            try SharedKeyVerifier.verify(authorization: authorization, request: request, account: account)
            return .sharedKey(account: account.name)
        }
        if request.query("sig") != nil {
            let grant = try await SASVerifier(account: account, policies: policies).verify(request, now: now)
            return .sharedAccessSignature(grant)
        }
        return .anonymous
    }

    /// Checks that a verified credential allows an operation; 403 when it does not.
    ///
    /// - Parameter publicRead: for anonymous requests, whether the container's public access level
    ///   allows this read (the Blob service decides from the container's `x-ms-blob-public-access`).
    public func authorize(_ credential: Credential, _ requirement: AccessRequirement, publicRead: Bool = false) throws {
        switch credential {
        case .sharedKey:
            return
        case .anonymous:
            guard publicRead else {
                throw StorageError.authenticationFailed(
                    "The request carries no credentials (no Authorization header, no SAS) and the resource is not public.")
            }
        case .sharedAccessSignature(let grant):
            try grant.allows(requirement)
        }
    }
}

extension SASGrant {
    /// Throws `AuthorizationPermissionMismatch` / `AuthorizationResourceTypeMismatch` when the grant does not cover the requirement.
    func allows(_ requirement: AccessRequirement) throws {
        switch scope {
        case .account(_, let resourceTypes):
            guard resourceTypes.contains(requirement.resourceType) else {
                throw StorageError(
                    .forbidden, "AuthorizationResourceTypeMismatch",
                    "This request is not authorized to perform this operation using this resource type.")
            }
        case .container(let name):
            guard !requirement.needsAccountLevel, requirement.container == name else {
                throw StorageError.authorizationFailure("The SAS is for container \(name).")
            }
        case .blob(let container, let blob):
            guard !requirement.needsAccountLevel, requirement.container == container, requirement.blob == blob else {
                throw StorageError.authorizationFailure("The SAS is for blob \(container)/\(blob).")
            }
        case .table(let name, _):
            guard !requirement.needsAccountLevel, requirement.container?.lowercased() == name.lowercased() else {
                throw StorageError.authorizationFailure("The SAS is for table \(name).")
            }
        }
        guard permissions.contains(requirement.permission) else {
            throw StorageError.authorizationPermissionMismatch("Needs permission '\(requirement.permission)'.")
        }
    }
}
