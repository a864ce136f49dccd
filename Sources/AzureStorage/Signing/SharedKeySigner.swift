import AzureWire
import Crypto

/// Signs requests with the account key: the `Authorization: SharedKey account:signature` header.
///
/// The string-to-sign is built as Microsoft's SDKs build it (checked byte for byte against the
/// Python SDK by the signing vectors): Blob and Queue sign the standard headers, every `x-ms-*`
/// header and every query parameter; Table signs only Content-MD5, Content-Type, the date and
/// `?comp=`. The URL path is signed exactly as it is sent (percent-encoded).
struct SharedKeySigner: Sendable {
    /// Which canonical form to use.
    enum Form: Sendable {
        /// Blob and Queue services.
        case blobQueue
        /// Table service (its "SharedKey" is the older, shorter form).
        case table
    }

    let accountName: String
    let key: AccountKey

    /// The value for the `Authorization` header.
    func authorization(method: String, url: String, headers: HTTPHeaders, form: Form) -> String {
        let message = stringToSign(method: method, url: url, headers: headers, form: form)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key.bytes))
        return "SharedKey \(accountName):" + Base64.encode(Array(mac))
    }

    /// The canonical text that is HMAC-ed; exposed to tests and to error messages on 403s.
    func stringToSign(method: String, url: String, headers: HTTPHeaders, form: Form) -> String {
        let (path, query) = Self.split(url)
        var standard: [String: String] = [:]
        for (name, value) in headers where !value.isEmpty {
            standard[name.lowercased()] = value
        }
        if standard["content-length"] == "0" { standard["content-length"] = nil }
        let resource = "/" + accountName + path

        switch form {
        case .table:
            let date = standard["x-ms-date"] ?? standard["date"] ?? ""
            var text =
                method + "\n"
                + [standard["content-md5"] ?? "", standard["content-type"] ?? "", date]
                .joined(separator: "\n") + "\n" + resource
            if let comp = query.first(where: { $0.name == "comp" }) { text += "?comp=" + comp.value }
            return text

        case .blobQueue:
            let slots = [
                "content-encoding", "content-language", "content-length", "content-md5", "content-type", "date",
                "if-modified-since", "if-match", "if-none-match", "if-unmodified-since", "range",
            ]
            var text = method + "\n" + slots.map { standard[$0] ?? "" }.joined(separator: "\n") + "\n"
            var msHeaders: [String: String] = [:]
            for (name, value) in headers {
                let lower = name.lowercased()
                if lower.hasPrefix("x-ms-") { msHeaders[lower] = value }
            }
            for name in HeaderCollation.sorted(Array(msHeaders.keys)) {
                text += name + ":" + msHeaders[name]! + "\n"
            }
            text += resource
            // One value per name (the last), sorted by name then value, names lowercased, values decoded.
            var lastValue: [String: String] = [:]
            for item in query { lastValue[item.name] = item.value }
            let sortedItems = lastValue.sorted { a, b in
                a.key.unicodeScalars.lexicographicallyPrecedes(b.key.unicodeScalars)
            }
            for (name, value) in sortedItems {
                text += "\n" + name.lowercased() + ":" + PercentEncoding.decode(Substring(value))
            }
            return text
        }
    }

    /// The encoded path and the raw (still encoded) query items of a URL. Searched as UTF-8 (every delimiter is
    /// ASCII): `range(of:)` and `Character` searches made this half of signing, which runs for every request.
    static func split(_ url: String) -> (path: String, query: [(name: String, value: String)]) {
        var rest = Substring(url)
        if let colon = rest.utf8.firstIndex(of: UInt8(ascii: ":")), rest.utf8[colon...].starts(with: "://".utf8) {
            rest = rest[rest.utf8.index(colon, offsetBy: 3)...]
        }
        let hostEnd =
            rest.utf8.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
            ?? rest.endIndex
        rest = rest[hostEnd...]
        if let hash = rest.utf8.firstIndex(of: UInt8(ascii: "#")) { rest = rest[..<hash] }
        guard let mark = rest.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (String(rest), []) }
        var query: [(String, String)] = []
        let queryText = rest[rest.utf8.index(after: mark)...]
        if !queryText.isEmpty {
            for item in queryText.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false) {
                if let equals = item.firstIndex(of: UInt8(ascii: "=")) {
                    query.append(
                        (String(Substring(item[..<equals])), String(Substring(item[item.index(after: equals)...]))))
                } else {
                    query.append((String(Substring(item)), ""))
                }
            }
        }
        return (String(rest[..<mark]), query)
    }
}
