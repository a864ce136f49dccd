import AzureWire
import HTTPTypes

/// The header values a SharedKey string-to-sign uses, picked out of the request in one pass over its
/// fields (cheaper than a dozen lookups by name, each of which scans the fields again).
struct SignedHeaders {
    var contentEncoding: String?
    var contentLanguage: String?
    var contentLength: String?
    var contentMD5: String?
    var contentType: String?
    var date: String?
    var ifModifiedSince: String?
    var ifMatch: String?
    var ifNoneMatch: String?
    var ifUnmodifiedSince: String?
    var range: String?
    var msDate: String?
    var version: String?
    /// `x-ms-*` headers in arrival order: lowercase name bytes and the value with surrounding blanks trimmed.
    var msHeaders: [(name: [UInt8], value: Substring)] = []

    init(_ fields: HTTPFields) {
        for field in fields {
            let name = field.name.canonicalName
            if name.utf8.starts(with: Self.msPrefix) {
                let value = Self.trimmed(field.value)
                let bytes = Array(name.utf8)
                if let index = msHeaders.firstIndex(where: { $0.name == bytes }) {
                    // A repeated header is signed once, its values comma-joined in arrival order.
                    msHeaders[index].value = Substring(String(msHeaders[index].value) + "," + String(value))
                } else {
                    msHeaders.append((bytes, value))
                }
                if name == "x-ms-date" { msDate = field.value }
                if name == "x-ms-version" { version = field.value }
                continue
            }
            switch name {
            case "content-encoding": Self.add(field.value, to: &contentEncoding)
            case "content-language": Self.add(field.value, to: &contentLanguage)
            case "content-length": Self.add(field.value, to: &contentLength)
            case "content-md5": Self.add(field.value, to: &contentMD5)
            case "content-type": Self.add(field.value, to: &contentType)
            case "date": Self.add(field.value, to: &date)
            case "if-modified-since": Self.add(field.value, to: &ifModifiedSince)
            case "if-match": Self.add(field.value, to: &ifMatch)
            case "if-none-match": Self.add(field.value, to: &ifNoneMatch)
            case "if-unmodified-since": Self.add(field.value, to: &ifUnmodifiedSince)
            case "range": Self.add(field.value, to: &range)
            default: continue
            }
        }
    }

    /// `x-ms-*` headers, names lowercased, in the service's collation, one `name:value\n` each. Values are
    /// signed as sent (only surrounding blanks trimmed): that is what the SDKs sign.
    func appendCanonicalized(into out: inout [UInt8]) {
        for header in HeaderCollation.sort(msHeaders) {
            out.append(contentsOf: header.name)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: header.value.utf8)
            out.append(UInt8(ascii: "\n"))
        }
    }

    /// A standard header sent twice reads as one value joined with ", ", as HTTP folds it.
    private static func add(_ value: String, to slot: inout String?) {
        slot = slot.map { $0 + ", " + value } ?? value
    }

    private static func trimmed(_ value: String) -> Substring {
        var text = Substring(value)
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }

    private static let msPrefix = Array("x-ms-".utf8)
}
