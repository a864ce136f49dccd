import Foundation
import HTTPTypes

/// Azurite's `--oauth` levels. `basic` checks a token's shape, lifetime, issuer and audience; no signature (there is
/// no Entra ID to fetch keys from offline).
public enum OAuthLevel: String, Sendable, CaseIterable {
    case basic
}

/// An `Authorization: Bearer <JWT>` token, checked as Azurite's `--oauth basic` checks it
/// (`BlobTokenAuthenticator` and its queue and table twins):
/// - only over HTTPS: over HTTP, 403 `AuthenticationFailed` "Authentication scheme Bearer is not allowed with HTTP"
///   (the SDKs refuse to send one over HTTP anyway);
/// - three base64url parts, the first two JSON objects, with `iat`, `nbf`, `exp`, `iss` and `aud` claims;
/// - `nbf <= now <= exp`;
/// - `iss` starting with one of Entra ID's token service URLs;
/// - `aud` one of the storage audiences: `https://storage.azure.com`, the storage application ID
///   `e406a681-f3d4-42a8-90b6-c2b029497af1`, or the account's own service URL in Azure's clouds
///   (`https://ACCOUNT.blob.core.windows.net`, `.queue.`, `.table.`), naming this account.
/// A token that fails is refused as Azure refuses a token it cannot validate: 401 `InvalidAuthenticationInfo`, with
/// the reason in `AuthenticationErrorDetail` ("Lifetime validation failed. The token is expired.") and a
/// `WWW-Authenticate: Bearer authorization_uri=… resource_id=https://storage.azure.com` challenge (Azurite answers
/// 403 `AuthenticationFailed` instead; the SDKs act on Azure's 401).
///
/// A valid token grants what Azure's data-plane role "Storage Blob/Queue/Table Data Owner" grants: every data
/// operation on the account, as the account key does. Azure's RBAC scopes (a role on one container) have no
/// equivalent offline; the emulator does not narrow a token's rights.
struct BearerToken {
    static let prefix = "Bearer "
    /// Entra ID token service URLs an issuer may start with (public cloud, Germany, China, test).
    static let issuers = [
        "https://sts.windows.net/", "https://sts.microsoftonline.de/", "https://sts.chinacloudapi.cn/",
        "https://sts.windows-ppe.net",
    ]
    static let storageApplicationID = "e406a681-f3d4-42a8-90b6-c2b029497af1"
    static let cloudSuffixes = ["core.windows.net", "core.chinacloudapi.cn", "core.usgovcloudapi.net", "core.cloudapi.de"]

    var claims: [String: Any]

    /// Decodes `header.claims.signature`; the signature is not checked (`basic`).
    init(_ token: String) throws {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let header = Self.jsonObject(parts[0]),
            let claims = Self.jsonObject(parts[1]),
            header["alg"] != nil || header["typ"] != nil
        else {
            throw Self.invalid("The token is not a JWT: three base64url parts, a JSON header and JSON claims.", tenant: nil)
        }
        self.claims = claims
    }

    /// Verifies the token of a request that came to `account`'s `service`.
    static func verify(_ request: StorageRequest, authorization: String, account: String, now: Date) throws {
        guard request.isSecure else {
            throw StorageError.authenticationFailed("Authentication scheme Bearer is not allowed with HTTP.")
        }
        let token = try BearerToken(String(authorization.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces))
        let tenant = token.claims["tid"] as? String
        guard token.number("iat") != nil, let notBefore = token.number("nbf"), let expires = token.number("exp") else {
            throw invalid("The token has no iat, nbf or exp claim.", tenant: tenant)
        }
        let time = now.timeIntervalSince1970
        if time < notBefore { throw invalid("Lifetime validation failed. The token is not yet valid (nbf).", tenant: tenant) }
        if time > expires { throw invalid("Lifetime validation failed. The token is expired.", tenant: tenant) }
        guard let issuer = token.claims["iss"] as? String, issuers.contains(where: { issuer.hasPrefix($0) }) else {
            throw invalid("Issuer validation failed. Issuer did not match.", tenant: tenant)
        }
        guard let audience = token.claims["aud"] as? String, accepts(audience: audience, account: account, service: request.service)
        else {
            throw invalid("Audience validation failed. Audience did not match.", tenant: tenant)
        }
    }

    /// The audiences a token for `service` of `account` may name (a trailing `/` allowed).
    static func accepts(audience: String, account: String, service: ServiceKind) -> Bool {
        let trimmed = audience.hasSuffix("/") ? String(audience.dropLast()) : audience
        if trimmed == "https://storage.azure.com" || audience == storageApplicationID { return true }
        return cloudSuffixes.contains { trimmed == "https://\(account).\(service.rawValue).\($0)" }
    }

    /// 401 `InvalidAuthenticationInfo` with Azure's challenge, naming the token's tenant (or `common`).
    static func invalid(_ detail: String, tenant: String?) -> StorageError {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] =
            "Bearer authorization_uri=https://login.microsoftonline.com/\(tenant ?? "common")/oauth2/authorize resource_id=https://storage.azure.com"
        return StorageError(
            .unauthorized, "InvalidAuthenticationInfo",
            "Server failed to authenticate the request. Please refer to the information in the www-authenticate header.",
            details: [("AuthenticationErrorDetail", detail)], headers: headers)
    }

    /// A numeric claim (seconds since 1970), however JSONSerialization bridged it.
    private func number(_ name: String) -> Double? {
        switch claims[name] {
        case let value as Int: Double(value)
        case let value as Double: value
        case let value as NSNumber: value.doubleValue
        default: nil
        }
    }

    private static func jsonObject(_ part: Substring) -> [String: Any]? {
        var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("=") else { return nil }
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}
