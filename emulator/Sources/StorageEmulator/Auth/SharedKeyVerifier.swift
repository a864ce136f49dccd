import Foundation

/// Verifies `Authorization: SharedKey account:signature` (and SharedKeyLite) the way Azure does:
/// rebuild the string-to-sign from the request, HMAC-SHA256 it with each account key, compare.
enum SharedKeyVerifier {
    static func verify(authorization: String, request: StorageRequest, account: StorageAccount) throws {
        guard let space = authorization.firstIndex(of: " ") else {
            throw StorageError.authenticationFailed(
                "The Authorization header '\(authorization)' is not 'SharedKey account:signature'.")
        }
        let schemeName = authorization[..<space]
        let credential = authorization[authorization.index(after: space)...].drop { $0 == " " }
        let scheme: SharedKeyStringToSign.Scheme
        switch schemeName {
        case "SharedKey": scheme = .sharedKey
        case "SharedKeyLite": scheme = .sharedKeyLite
        case "Bearer":
            throw StorageError.authenticationFailed(
                "Bearer (Microsoft Entra ID) tokens are not supported by this emulator; use SharedKey or a SAS.")
        default:
            throw StorageError.authenticationFailed("The authorization scheme \(schemeName) is not supported.")
        }
        guard let colon = credential.lastIndex(of: ":") else {
            throw StorageError.authenticationFailed("The Authorization header has no account:signature.")
        }
        let signedAccount = credential[..<colon]
        let signature = credential[credential.index(after: colon)...]
        guard signedAccount == account.name else {
            throw StorageError.authenticationFailed(
                "The request is signed for account \(signedAccount), but its URL names account \(account.name).")
        }
        let message = SharedKeyStringToSign.make(scheme, for: request, account: account.name)
        if AccountSignature.matches(signature, message: message, keys: account.signingKeys) { return }
        throw StorageError.authenticationFailed(
            "The MAC signature found in the HTTP request '\(signature)' is not the same as any computed signature. "
                + "Server used following string to sign: '\(String(decoding: message, as: UTF8.self))'.")
    }
}
