import Foundation

/// The `multipart/mixed` envelope of a Table `$batch`: a batch part holding one changeset, whose
/// parts are HTTP requests (`application/http`, binary). Parses what Azure's SDKs send, with CRLF
/// or bare LF line ends. Blob Batch (`Blob/Batch/`) parses its flat list of requests with it too.
enum BatchMultipart {
    /// One request inside a changeset.
    struct Operation: Sendable {
        var method: String
        /// The request target with the scheme and host removed: `/ACCOUNT/table(PartitionKey='a',RowKey='b')?…`.
        var target: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]
        var contentID: String?

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// The boundary parameter of a `multipart/mixed; boundary=…` content type.
    static func boundary(ofContentType contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// Parses a batch body into the operations of its changeset, in order.
    static func parse(_ body: [UInt8], boundary: String) throws(StorageError) -> [Operation] {
        var operations: [Operation] = []
        for part in try parts(of: body, boundary: boundary) {
            let (headers, content) = try splitHeaders(part)
            let type = value(of: "content-type", in: headers) ?? ""
            if type.lowercased().hasPrefix("multipart/mixed") {
                guard let inner = Self.boundary(ofContentType: type) else {
                    throw StorageError.tableInvalidInput("The changeset part has no boundary in its Content-Type.")
                }
                for request in try parts(of: content, boundary: inner) {
                    operations.append(try operation(request))
                }
            } else {
                operations.append(try operation(part))
            }
        }
        return operations
    }

    /// One `application/http` part: MIME headers, then the HTTP request line, headers and body.
    private static func operation(_ part: [UInt8]) throws(StorageError) -> Operation {
        let (mimeHeaders, http) = try splitHeaders(part)
        let (requestHead, body) = try splitHeaders(http, keepFirstLine: true)
        guard let requestLine = requestHead.first?.name else {
            throw StorageError.tableInvalidInput("A batch part holds no HTTP request line.")
        }
        let fields = requestLine.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2 else {
            throw StorageError.tableInvalidInput("The batch request line '\(requestLine)' is not 'METHOD URL HTTP/1.1'.")
        }
        var target = String(fields[1])
        if let scheme = target.range(of: "://") {
            let rest = target[scheme.upperBound...]
            target = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
        }
        return Operation(
            method: String(fields[0]).uppercased(), target: target, headers: Array(requestHead.dropFirst()),
            body: body, contentID: value(of: "content-id", in: mimeHeaders) ?? value(of: "content-id", in: requestHead))
    }

    private static func value(of name: String, in headers: [(name: String, value: String)]) -> String? {
        headers.first { $0.name.lowercased() == name }?.value
    }

    /// The bodies between `--boundary` delimiter lines, without the closing `--boundary--` epilogue.
    static func parts(of body: [UInt8], boundary: String) throws(StorageError) -> [[UInt8]] {
        let delimiter = Array(("--" + boundary).utf8)
        var starts: [(lineStart: Int, after: Int)] = []
        var index = 0
        while let found = find(delimiter, in: body, from: index) {
            let atLineStart = found == 0 || body[found - 1] == 0x0A
            if atLineStart { starts.append((found, found + delimiter.count)) }
            index = found + delimiter.count
        }
        guard !starts.isEmpty else {
            throw StorageError.tableInvalidInput("The batch body has no part delimited by '--\(boundary)'.")
        }
        var parts: [[UInt8]] = []
        for (position, start) in starts.enumerated() {
            var from = start.after
            // The closing delimiter is followed by "--".
            if from + 1 < body.count, body[from] == UInt8(ascii: "-"), body[from + 1] == UInt8(ascii: "-") { break }
            while from < body.count, body[from] == 0x20 || body[from] == 0x09 { from += 1 }
            if from < body.count, body[from] == 0x0D { from += 1 }
            if from < body.count, body[from] == 0x0A { from += 1 }
            guard position + 1 < starts.count else {
                throw StorageError.tableInvalidInput("The batch body is missing its closing '--\(boundary)--' delimiter.")
            }
            var to = starts[position + 1].lineStart
            // The line break before a delimiter belongs to the delimiter.
            if to > from, body[to - 1] == 0x0A { to -= 1 }
            if to > from, body[to - 1] == 0x0D { to -= 1 }
            parts.append(Array(body[from..<max(from, to)]))
        }
        return parts
    }

    /// Splits `Name: value` lines from the content after the first empty line.
    private static func splitHeaders(
        _ bytes: [UInt8], keepFirstLine: Bool = false
    ) throws(StorageError) -> ([(name: String, value: String)], [UInt8]) {
        var headers: [(name: String, value: String)] = []
        var index = 0
        var first = true
        while index < bytes.count {
            var end = index
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var lineEnd = end
            if lineEnd > index, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = String(decoding: bytes[index..<lineEnd], as: UTF8.self)
            index = min(end + 1, bytes.count)
            if line.isEmpty {
                if first && !keepFirstLine { continue }  // tolerate a blank line before the headers
                return (headers, Array(bytes[index...]))
            }
            if first && keepFirstLine {
                headers.append((line, ""))
            } else if let colon = line.firstIndex(of: ":") {
                headers.append(
                    (String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                     String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            } else {
                throw StorageError.tableInvalidInput("The batch line '\(line)' is not a 'Name: value' header.")
            }
            first = false
        }
        return (headers, [])
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == needle[0] {
                var match = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    match = false
                    break
                }
                if match { return index }
            }
            index += 1
        }
        return nil
    }
}
