import AzureWire
import Foundation

/// A SAS's start, expiry and permissions: from the token itself, or from the stored access policy it
/// names with `si`. Azure lets each field come from one place or the other, never both.
struct SASTerms {
    var start: Date?
    var expiry: Date?
    var permissionLetters: String?

    init(token: SASToken) throws {
        start = try token.start.map { try Self.date($0, field: "st") }
        expiry = try token.expiry.map { try Self.date($0, field: "se") }
        permissionLetters = token.permissions
    }

    /// Fills the fields the token left out from the stored access policy `id` of the container, queue or table.
    mutating func merge(
        policyNamed id: String, from lookup: any StoredAccessPolicyLookup, account: String, service: ServiceKind,
        resource: String
    ) async throws {
        let stored = try await lookup.storedPolicies(account: account, service: service, resource: resource)
        guard let policy = stored.first(where: { $0.id == id }) else {
            throw StorageError.authenticationFailed(
                "Signed identifier '\(id)' is not a stored access policy of \(resource): "
                    + "it does not exist or was revoked."
            )
        }
        if (start != nil && policy.start != nil) || (expiry != nil && policy.expiry != nil)
            || (permissionLetters != nil && policy.permissions != nil)
        {
            throw StorageError.authenticationFailed(
                "Access policy fields can be associated with signature or SAS identifier but not both")
        }
        start = start ?? policy.start
        expiry = expiry ?? policy.expiry
        permissionLetters = permissionLetters ?? policy.permissions
    }

    /// The permission letters, which must be present and be letters; ones the emulator has no
    /// operation for simply grant nothing.
    func grantedPermissions() throws -> Set<Character> {
        guard let letters = permissionLetters, !letters.isEmpty else {
            throw StorageError.authenticationFailed("sp is mandatory. Cannot be empty")
        }
        guard letters.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw StorageError.authenticationFailed("sp=\(letters) is not a list of permission letters.")
        }
        return Set(letters)
    }

    /// Checks `now` against the window, as Azure does: no grace on either end (clients are told to
    /// back-date `st` for clock skew). Returns the expiry, which is mandatory.
    func checkWindow(now: Date) throws -> Date {
        guard let expiry else { throw StorageError.authenticationFailed("se is mandatory. Cannot be empty") }
        let expiryText = HTTPDate.rfc1123(expiry)
        if let start, expiry < start {
            throw StorageError.authenticationFailed(
                "Signed expiry time [\(expiryText)] has to be after signed start time [\(HTTPDate.rfc1123(start))]")
        }
        if (start.map { now < $0 } ?? false) || now > expiry {
            let startText = start.map(HTTPDate.rfc1123) ?? ""
            throw StorageError.authenticationFailed(
                "Signature not valid in the specified time frame: Start [\(startText)] - Expiry [\(expiryText)] - "
                    + "Current [\(HTTPDate.rfc1123(now))]")
        }
        return expiry
    }

    private static func date(_ text: String, field: String) throws -> Date {
        guard let date = HTTPDate.parseISO8601(text) else {
            throw StorageError.authenticationFailed("\(field)=\(text) is not an ISO 8601 UTC time.")
        }
        return date
    }
}
