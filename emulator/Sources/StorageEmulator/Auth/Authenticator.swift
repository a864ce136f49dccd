import Foundation
import HTTPTypes

/// Decides who sent a request (SharedKey, SAS or nobody) and whether that credential may
/// perform an operation. Signatures are verified exactly as Azure verifies them.
public struct Authenticator: Sendable {
    /// The accounts served, by name; each holds its keys ready for HMAC, so nothing is decoded per request.
    public var accounts: [String: StorageAccount]
    /// Where service SAS tokens' stored access policies (`si=`) are looked up.
    public var policies: any StoredAccessPolicyLookup
    /// Accepted for Azurite compatibility; the emulator accepts any well-formed `x-ms-version` anyway.
    public var loose: Bool
    /// Azurite's `--oauth`: bearer tokens are accepted (over HTTPS) when set.
    public var oauth: OAuthLevel?

    /// An authenticator for these accounts; the first of two accounts with one name wins.
    public init(accounts: [StorageAccount], policies: any StoredAccessPolicyLookup, loose: Bool = false) {
        self.accounts = Dictionary(accounts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.policies = policies
        self.loose = loose
    }

    /// Verifies the request's signature, if any. A wrong or malformed one is 403 `AuthenticationFailed`
    /// with an `AuthenticationErrorDetail` saying what was wrong; an https-only SAS is 403
    /// `AuthorizationProtocolMismatch` (the emulator serves http); a SAS whose `sip` leaves out the client is 403
    /// `AuthorizationSourceIPMismatch`.
    ///
    /// - Parameters:
    ///   - now: the time SAS windows are checked against; tests pass a fixed one.
    ///   - clientAddress: the connection's peer address, which a SAS's `sip` must include. The server always
    ///     passes it; nil (unknown) is only for requests that come from no connection: unit tests, and the
    ///     source URL of a Copy Blob, which Azure's copy engine reads from its own address.
    public func authenticate(
        _ request: StorageRequest, now: Date = Date(), clientAddress: String? = nil
    ) async throws -> Credential {
        guard let account = accounts[request.account] else {
            throw StorageError(
                .forbidden, "AuthenticationFailed", "The account \(request.account) does not exist in this emulator.",
                details: [("AuthenticationErrorDetail", "Unknown account \(request.account)")])
        }
        if let authorization = request.headers[.authorization] {
            if oauth != nil && authorization.hasPrefix(BearerToken.prefix) {
                try BearerToken.verify(request, authorization: authorization, account: account.name, now: now)
                // A token grants what the data-plane Owner role grants: everything the account key allows.
                return .sharedKey(account: account.name)
            }
            try SharedKeyVerifier.verify(authorization: authorization, request: request, account: account)
            return .sharedKey(account: account.name)
        }
        if request.query("sig") != nil {
            let grant = try await SASVerifier(account: account, policies: policies).verify(
                request, now: now, clientAddress: clientAddress)
            return .sharedAccessSignature(grant)
        }
        return .anonymous
    }

    /// Checks that a verified credential allows an operation; 403 when it does not:
    /// `AuthorizationServiceMismatch`, `AuthorizationResourceTypeMismatch`, `AuthorizationFailure`
    /// (another resource, or an operation a service SAS cannot do) or `AuthorizationPermissionMismatch`.
    ///
    /// - Parameter publicRead: for anonymous requests, whether the container's public access level
    ///   allows this read (the Blob service decides from the container's `x-ms-blob-public-access`); nil for
    ///   operations no access level opens. A read a public container would allow, of a private one, is 404
    ///   `ResourceNotFound`, as Azure answers it: a stranger learns nothing of what a private container holds.
    ///   Anything else anonymous is 403 `AuthenticationFailed`.
    public func authorize(_ credential: Credential, _ requirement: AccessRequirement, publicRead: Bool? = nil) throws {
        switch credential {
        case .sharedKey:
            return
        case .anonymous:
            if publicRead == false { throw StorageError.resourceNotFound() }
            guard publicRead == true else {
                throw StorageError.authenticationFailed(
                    "The request carries no credentials (no Authorization header, no SAS) "
                        + "and the resource is not public.")
            }
        case .sharedAccessSignature(let grant):
            try grant.allows(requirement)
        }
    }
}
