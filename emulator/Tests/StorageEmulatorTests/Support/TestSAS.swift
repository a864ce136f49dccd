import Crypto
import Foundation

@testable import StorageEmulator

/// Blob SAS tokens for over-the-wire tests, signed with the emulator's own string-to-sign (which `AuthSASTests`
/// proves against tokens Microsoft's SDKs made). Valid until 2099 unless the fields say otherwise.
enum TestSAS {
    static let version = "2025-01-05"
    static let expiry = "2099-01-01T00:00:00Z"

    /// A container SAS (`sr=c`), as a query string without the leading `?`.
    static func container(
        _ container: String, permissions: String, extra: [(String, String)] = [],
        account: StorageAccount = .development
    ) -> String {
        let fields = [("sv", version), ("sp", permissions), ("se", expiry), ("sr", "c")] + extra
        return signed(fields, resource: "/blob/\(account.name)/\(container)", account: account)
    }

    /// A blob SAS (`sr=b`) for one blob.
    static func blob(
        _ container: String, _ blob: String, permissions: String, account: StorageAccount = .development
    ) -> String {
        let fields = [("sv", version), ("sp", permissions), ("se", expiry), ("sr", "b")]
        return signed(fields, resource: "/blob/\(account.name)/\(container)/\(blob)", account: account)
    }

    private static func signed(_ fields: [(String, String)], resource: String, account: StorageAccount) -> String {
        let token = SASToken(query: fields.map { QueryItem(name: $0.0, value: $0.1) })
        let message = SASStringToSign.blob(token, canonicalResource: resource, timestamp: nil)
        let signature = AccountSignature.sign(message, key: SymmetricKey(data: account.keys[0]))
        return (fields + [("sig", signature)]).map { "\($0.0)=\(encode($0.1))" }.joined(separator: "&")
    }

    static func encode(_ value: String) -> String {
        let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }
}
