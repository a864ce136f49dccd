import Foundation

/// Verifies shared access signatures (account SAS and service SAS for Blob, Queue and Table) the way
/// Azure does: rebuild the string-to-sign for the token's kind and version from the token and the
/// request's URL, check the HMAC against the account keys, merge a stored access policy, then check
/// the time window, the protocol and the client's address.
struct SASVerifier {
    var account: StorageAccount
    var policies: any StoredAccessPolicyLookup

    /// The oldest signed version whose string-to-sign is implemented (it added `sip`, `spr` and account SAS).
    static let oldestVersion = "2015-04-05"

    /// - Parameter clientAddress: the peer the request came from, checked against `sip`; nil when unknown.
    func verify(_ request: StorageRequest, now: Date, clientAddress: String?) async throws -> SASGrant {
        let token = SASToken(query: request.query)
        guard let version = token.version, !version.isEmpty else {
            throw StorageError.authenticationFailed("sv is mandatory. Cannot be empty")
        }
        guard version >= Self.oldestVersion else {
            throw StorageError.authenticationFailed(
                "The signed version sv=\(version) predates \(Self.oldestVersion), the oldest the emulator verifies.")
        }
        guard !token.isUserDelegation else {
            throw StorageError.authenticationFailed(
                "User delegation SAS tokens are signed with a key from Microsoft Entra ID, "
                    + "which this emulator does not issue."
            )
        }
        let (scope, message, policyResource, timestamp) = try signedContent(token, request: request)
        guard AccountSignature.matches(Substring(token.signature), message: message, keys: account.signingKeys) else {
            throw StorageError.authenticationFailed(
                "Signature did not match. String to sign used was \(String(decoding: message, as: UTF8.self))")
        }
        var terms = try SASTerms(token: token)
        if let identifier = token.identifier, let policyResource {
            try await terms.merge(
                policyNamed: identifier, from: policies, account: account.name,
                service: request.service, resource: policyResource)
        }
        let permissions = try terms.grantedPermissions()
        let expiry = try terms.checkWindow(now: now)
        if let protocols = token.protocols {
            switch protocols {
            case "https,http", "http,https": break
            // As Azurite: an https-only token fits only a request that came over HTTPS (`--cert`).
            case "https": if !request.isSecure { throw StorageError.authorizationProtocolMismatch() }
            default: throw StorageError.authenticationFailed("spr=\(protocols) is not 'https' or 'https,http'.")
            }
        }
        var ipRange: SASIPRange?
        if let sip = token.ipRange {
            guard let parsed = SASIPRange(sip) else {
                throw StorageError.authenticationFailed("sip=\(sip) is not an IP address or address range.")
            }
            ipRange = parsed
            if let clientAddress, !parsed.contains(clientAddress) {
                throw StorageError.authorizationSourceIPMismatch(clientAddress, allowed: parsed)
            }
        }
        return SASGrant(
            account: account.name, scope: scope, permissions: permissions,
            responseHeaderOverrides: token.responseHeaderOverrides, service: request.service, start: terms.start,
            expiry: expiry, ipRange: ipRange, encryptionScope: token.encryptionScope, policyID: token.identifier,
            version: version, blobTimestamp: timestamp)
    }

    /// What the token covers, the bytes its signature must match, and where its stored policy lives
    /// (nil for an account SAS, which cannot name one).
    private func signedContent(_ token: SASToken, request: StorageRequest) throws -> (
        SASGrant.Scope, [UInt8], String?, String?
    ) {
        if token.isAccountSAS {
            let services = try Self.letters(token.services, "ss", allowed: Self.serviceLetters)
            let types = try Self.letters(token.resourceTypes, "srt", allowed: Self.resourceTypeLetters)
            return (
                .account(services: services, resourceTypes: types),
                SASStringToSign.account(token, account: account.name), nil, nil
            )
        }
        let first = request.segments.first ?? ""
        switch request.service {
        case .blob:
            switch token.signedResource {
            case "c":
                let resource = "/blob/\(account.name)/\(first)"
                return (
                    .container(first), SASStringToSign.blob(token, canonicalResource: resource, timestamp: nil),
                    first, nil
                )
            case "b", "bs", "bv":
                let blob = request.segments.dropFirst().joined(separator: "/")
                let timestamp =
                    token.signedResource == "bs"
                    ? token.snapshot
                    : token.signedResource == "bv" ? token.versionID : nil
                let resource = "/blob/\(account.name)/\(first)/\(blob)"
                return (
                    .blob(container: first, blob: blob),
                    SASStringToSign.blob(token, canonicalResource: resource, timestamp: timestamp), first, timestamp
                )
            case "d":
                throw StorageError.authenticationFailed(
                    "sr=d (directory SAS) needs a hierarchical namespace account, which the emulator does not have.")
            case let other:
                throw StorageError.authenticationFailed("sr=\(other ?? "") is not a Blob SAS resource (b, bs, bv, c).")
            }
        case .queue:
            let resource = "/queue/\(account.name)/\(first)"
            return (.container(first), SASStringToSign.queue(token, canonicalResource: resource), first, nil)
        case .table:
            guard let table = token.tableName, !table.isEmpty else {
                throw StorageError.authenticationFailed("tn is mandatory for a table SAS. Cannot be empty")
            }
            let resource = "/table/\(account.name)/\(table.lowercased())"
            return (
                .table(table, range: token.keyRange), SASStringToSign.table(token, canonicalResource: resource),
                table, nil
            )
        }
    }

    private static let serviceLetters: [Character: ServiceKind?] = ["b": .blob, "q": .queue, "t": .table, "f": nil]
    private static let resourceTypeLetters: [Character: ResourceType?] = ["s": .service, "c": .container, "o": .object]

    /// Parses `ss` / `srt`: each letter must be one Azure defines; letters for things the emulator does
    /// not serve (`f`, Azure Files) are accepted and grant nothing.
    private static func letters<T: Hashable>(_ text: String?, _ name: String, allowed: [Character: T?]) throws -> Set<T>
    {
        guard let text, !text.isEmpty else {
            throw StorageError.authenticationFailed("\(name) is mandatory. Cannot be empty")
        }
        var result = Set<T>()
        for letter in text {
            guard let value = allowed[letter] else {
                throw StorageError.authenticationFailed("\(name)=\(text) has an unknown letter '\(letter)'.")
            }
            if let value { result.insert(value) }
        }
        return result
    }
}
