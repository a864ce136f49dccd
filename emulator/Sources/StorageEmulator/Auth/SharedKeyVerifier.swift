import Crypto
import Foundation

/// Verifies `Authorization: SharedKey account:signature` (and SharedKeyLite) the way Azure does:
/// rebuild the string-to-sign from the request, HMAC-SHA256 it with each account key, compare.
enum SharedKeyVerifier {
    static func verify(authorization: String, request: StorageRequest, account: StorageAccount) throws {
        let scheme: Substring
        let credential: Substring
        if let space = authorization.firstIndex(of: " ") {
            scheme = authorization[..<space]
            credential = authorization[authorization.index(after: space)...]
        } else {
            throw StorageError.authenticationFailed("The Authorization header '\(authorization)' is not 'SharedKey account:signature'.")
        }
        guard let colon = credential.lastIndex(of: ":") else {
            throw StorageError.authenticationFailed("The Authorization header has no account:signature.")
        }
        let signedAccount = credential[..<colon]
        let signature = credential[credential.index(after: colon)...]
        guard signedAccount == account.name else {
            throw StorageError.authenticationFailed("The request is signed for account \(signedAccount), not \(account.name).")
        }
        let stringToSign: String
        switch (scheme, request.service) {
        case ("SharedKey", .table): stringToSign = tableStringToSign(request, account: account.name)
        case ("SharedKey", _): stringToSign = blobQueueStringToSign(request, account: account.name)
        case ("SharedKeyLite", .table): stringToSign = tableLiteStringToSign(request, account: account.name)
        case ("SharedKeyLite", _): stringToSign = blobQueueLiteStringToSign(request, account: account.name)
        default:
            throw StorageError.authenticationFailed("The authorization scheme \(scheme) is not supported.")
        }
        let message = Array(stringToSign.utf8)
        for key in account.keys {
            let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
            if Data(mac).base64EncodedString() == signature { return }
        }
        throw StorageError.authenticationFailed(
            "The MAC signature found in the HTTP request '\(signature)' is not the same as any computed signature. Server used following string to sign: '\(stringToSign)'."
        )
    }

    /// Blob and Queue SharedKey (version 2009-09-19 and later).
    static func blobQueueStringToSign(_ request: StorageRequest, account: String) -> String {
        let header = { (name: String) in request.header(name) ?? "" }
        var contentLength = header("content-length")
        if contentLength == "0" { contentLength = "" }
        var lines = [
            request.method.rawValue, header("content-encoding"), header("content-language"), contentLength,
            header("content-md5"), header("content-type"), header("date"), header("if-modified-since"),
            header("if-match"), header("if-none-match"), header("if-unmodified-since"), header("range"),
        ].joined(separator: "\n")
        lines += "\n" + canonicalizedHeaders(request)
        lines += canonicalizedResource(request, account: account)
        return lines
    }

    static func blobQueueLiteStringToSign(_ request: StorageRequest, account: String) -> String {
        let header = { (name: String) in request.header(name) ?? "" }
        return [request.method.rawValue, header("content-md5"), header("content-type"), header("date")]
            .joined(separator: "\n") + "\n" + canonicalizedHeaders(request) + liteResource(request, account: account)
    }

    /// Table SharedKey: no canonicalized headers; `x-ms-date` stands in for `Date` when present.
    static func tableStringToSign(_ request: StorageRequest, account: String) -> String {
        let header = { (name: String) in request.header(name) ?? "" }
        let date = request.header("x-ms-date") ?? header("date")
        return [request.method.rawValue, header("content-md5"), header("content-type"), date, liteResource(request, account: account)]
            .joined(separator: "\n")
    }

    static func tableLiteStringToSign(_ request: StorageRequest, account: String) -> String {
        let date = request.header("x-ms-date") ?? request.header("date") ?? ""
        return date + "\n" + liteResource(request, account: account)
    }

    /// `x-ms-*` headers, lowercased, sorted, one `name:value` line each.
    static func canonicalizedHeaders(_ request: StorageRequest) -> String {
        var fields: [(String, String)] = []
        for field in request.headers {
            let name = field.name.canonicalName
            guard name.hasPrefix("x-ms-") else { continue }
            fields.append((name, field.value.trimmingCharacters(in: .whitespaces)))
        }
        // Repeated headers are joined with commas in arrival order.
        var merged: [String: String] = [:]
        for (name, value) in fields { merged[name] = merged[name].map { $0 + "," + value } ?? value }
        return merged.keys.sorted().map { "\($0):\(merged[$0]!)\n" }.joined()
    }

    /// `/account/path` then each query parameter as `\nname:value`, names lowercased and sorted,
    /// repeated values sorted and comma-joined. Path-style URLs repeat the account: `/acct/acct/container`.
    static func canonicalizedResource(_ request: StorageRequest, account: String) -> String {
        var resource = "/" + account + request.encodedPath
        var values: [String: [String]] = [:]
        for item in request.query { values[item.name.lowercased(), default: []].append(item.value) }
        for name in values.keys.sorted() {
            resource += "\n" + name + ":" + values[name]!.sorted().joined(separator: ",")
        }
        return resource
    }

    /// SharedKeyLite and Table: `/account/path` plus `?comp=…` when present.
    static func liteResource(_ request: StorageRequest, account: String) -> String {
        var resource = "/" + account + request.encodedPath
        if let comp = request.query("comp") { resource += "?comp=" + comp }
        return resource
    }
}
