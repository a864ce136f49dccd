/// Rebuilds the string a client signed for `Authorization: SharedKey` / `SharedKeyLite`, as bytes ready
/// for HMAC. It runs on every signed request, so it appends into one buffer and looks headers up by
/// pre-built names instead of formatting strings.
enum SharedKeyStringToSign {
    enum Scheme { case sharedKey, sharedKeyLite }

    static func make(_ scheme: Scheme, for request: StorageRequest, account: String) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(512)
        switch (scheme, request.service) {
        case (.sharedKey, .table): appendTable(request, account: account, into: &out)
        case (.sharedKey, _): appendBlobQueue(request, account: account, into: &out)
        case (.sharedKeyLite, .table): appendTableLite(request, account: account, into: &out)
        case (.sharedKeyLite, _): appendBlobQueueLite(request, account: account, into: &out)
        }
        return out
    }

    /// Blob and Queue SharedKey (version 2009-09-19 and later): eleven standard headers, the `x-ms-`
    /// headers, then the path and every query parameter.
    static func appendBlobQueue(_ request: StorageRequest, account: String, into out: inout [UInt8]) {
        let headers = SignedHeaders(request.headers)
        appendLine(request.method.rawValue, into: &out)
        appendLine(headers.contentEncoding, into: &out)
        appendLine(headers.contentLanguage, into: &out)
        // Since 2015-02-21 a zero Content-Length is signed as an empty line (clients drop it).
        var contentLength = headers.contentLength
        if contentLength == "0", (headers.version ?? "9999") >= "2015-02-21" { contentLength = nil }
        appendLine(contentLength, into: &out)
        appendLine(headers.contentMD5, into: &out)
        appendLine(headers.contentType, into: &out)
        appendLine(headers.date, into: &out)
        appendLine(headers.ifModifiedSince, into: &out)
        appendLine(headers.ifMatch, into: &out)
        appendLine(headers.ifNoneMatch, into: &out)
        appendLine(headers.ifUnmodifiedSince, into: &out)
        appendLine(headers.range, into: &out)
        headers.appendCanonicalized(into: &out)
        appendCanonicalizedResource(request, account: account, into: &out)
    }

    /// Blob and Queue SharedKeyLite: verb, Content-MD5, Content-Type, Date, `x-ms-` headers, path + `?comp=`.
    static func appendBlobQueueLite(_ request: StorageRequest, account: String, into out: inout [UInt8]) {
        let headers = SignedHeaders(request.headers)
        appendLine(request.method.rawValue, into: &out)
        appendLine(headers.contentMD5, into: &out)
        appendLine(headers.contentType, into: &out)
        appendLine(headers.date, into: &out)
        headers.appendCanonicalized(into: &out)
        appendLiteResource(request, account: account, into: &out)
    }

    /// Table SharedKey: no `x-ms-` headers; `x-ms-date` stands in for `Date` when present.
    static func appendTable(_ request: StorageRequest, account: String, into out: inout [UInt8]) {
        let headers = SignedHeaders(request.headers)
        appendLine(request.method.rawValue, into: &out)
        appendLine(headers.contentMD5, into: &out)
        appendLine(headers.contentType, into: &out)
        appendLine(headers.msDate ?? headers.date, into: &out)
        appendLiteResource(request, account: account, into: &out)
    }

    /// Table SharedKeyLite: the date and the resource, nothing else.
    static func appendTableLite(_ request: StorageRequest, account: String, into out: inout [UInt8]) {
        let headers = SignedHeaders(request.headers)
        appendLine(headers.msDate ?? headers.date, into: &out)
        appendLiteResource(request, account: account, into: &out)
    }

    /// The `x-ms-` part alone, for tests.
    static func appendCanonicalizedHeaders(_ request: StorageRequest, into out: inout [UInt8]) {
        SignedHeaders(request.headers).appendCanonicalized(into: &out)
    }

    /// `/account/path` (path-style URLs repeat the account: `/acct/acct/container/blob`), then each query
    /// parameter as `\nname:value`, names lowercased and sorted, a repeated name's values sorted and
    /// comma-joined. The path is signed as it came on the wire, still percent-encoded; values decoded.
    static func appendCanonicalizedResource(_ request: StorageRequest, account: String, into out: inout [UInt8]) {
        appendPath(request, account: account, into: &out)
        guard !request.query.isEmpty else { return }
        var parameters: [(name: String, values: [String])] = []
        for item in request.query {
            let name = item.name.lowercased()
            if let index = parameters.firstIndex(where: { $0.name == name }) {
                parameters[index].values.append(item.value)
            } else {
                parameters.append((name, [item.value]))
            }
        }
        parameters.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        for parameter in parameters {
            out.append(newline)
            out.append(contentsOf: parameter.name.utf8)
            out.append(UInt8(ascii: ":"))
            let values =
                parameter.values.count > 1
                ? parameter.values.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } : parameter.values
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: value.utf8)
            }
        }
    }

    /// SharedKeyLite and Table: `/account/path` plus `?comp=…` when the request has one.
    static func appendLiteResource(_ request: StorageRequest, account: String, into out: inout [UInt8]) {
        appendPath(request, account: account, into: &out)
        if let comp = request.query("comp") {
            out.append(contentsOf: "?comp=".utf8)
            out.append(contentsOf: comp.utf8)
        }
    }

    private static func appendPath(_ request: StorageRequest, account: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "/"))
        out.append(contentsOf: account.utf8)
        out.append(contentsOf: request.encodedPath.utf8)
    }

    private static func appendLine(_ value: String?, into out: inout [UInt8]) {
        if let value { out.append(contentsOf: value.utf8) }
        out.append(newline)
    }

    private static let newline = UInt8(ascii: "\n")
}
