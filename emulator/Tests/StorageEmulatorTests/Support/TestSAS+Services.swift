import Crypto
import Foundation

@testable import StorageEmulator

/// Account SAS tokens and service SAS tokens of every service, for the authorization matrix. `extra` fields replace
/// the defaults of the same name (a past `se`, a future `st`, a `sip`, an `spr`).
extension TestSAS {
    /// An account SAS (`ss`, `srt`), as a query string without the leading `?`.
    static func account(
        services: String, resourceTypes: String, permissions: String, extra: [(String, String)] = [],
        account: StorageAccount = .development
    ) -> String {
        let fields = merged(
            [("sv", version), ("ss", services), ("srt", resourceTypes), ("sp", permissions), ("se", expiry)], extra)
        let token = SASToken(query: fields.map { QueryItem(name: $0.0, value: $0.1) })
        return signed(fields, SASStringToSign.account(token, account: account.name), account)
    }

    /// A service SAS for one container (`sr=c`), queue, or table (`tn`): the resource a route's path names.
    static func service(
        _ service: ServiceKind, resource: String, permissions: String, extra: [(String, String)] = [],
        account: StorageAccount = .development
    ) -> String {
        var base = [("sv", version), ("sp", permissions), ("se", expiry)]
        switch service {
        case .blob: base.append(("sr", "c"))
        case .table: base.append(("tn", resource))
        case .queue: break
        }
        let fields = merged(base, extra)
        let token = SASToken(query: fields.map { QueryItem(name: $0.0, value: $0.1) })
        let message: [UInt8]
        switch service {
        case .blob:
            message = SASStringToSign.blob(token, canonicalResource: "/blob/\(account.name)/\(resource)", timestamp: nil)
        case .queue: message = SASStringToSign.queue(token, canonicalResource: "/queue/\(account.name)/\(resource)")
        case .table:
            message = SASStringToSign.table(token, canonicalResource: "/table/\(account.name)/\(resource.lowercased())")
        }
        return signed(fields, message, account)
    }

    private static func merged(_ base: [(String, String)], _ extra: [(String, String)]) -> [(String, String)] {
        base.filter { field in !extra.contains { $0.0 == field.0 } } + extra
    }

    private static func signed(_ fields: [(String, String)], _ message: [UInt8], _ account: StorageAccount) -> String {
        let signature = AccountSignature.sign(message, key: SymmetricKey(data: account.keys[0]))
        return (fields + [("sig", signature)]).map { "\($0.0)=\(encode($0.1))" }.joined(separator: "&")
    }
}
