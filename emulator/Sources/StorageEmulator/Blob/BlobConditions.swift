import AzureWire
import Foundation

/// Azure's conditional headers (`If-Match`, `If-None-Match`, `If-Modified-Since`,
/// `If-Unmodified-Since`) and how they decide a read or a write.
struct BlobConditions: Sendable {
    var ifMatch: String?
    var ifNoneMatch: String?
    var ifModifiedSince: Date?
    var ifUnmodifiedSince: Date?

    init(_ request: StorageRequest) throws {
        ifMatch = request.header("if-match")
        ifNoneMatch = request.header("if-none-match")
        ifModifiedSince = try Self.date(request, "if-modified-since")
        ifUnmodifiedSince = try Self.date(request, "if-unmodified-since")
    }

    /// Conditions on the source of a copy (`x-ms-source-if-*`).
    init(source request: StorageRequest) throws {
        ifMatch = request.header("x-ms-source-if-match")
        ifNoneMatch = request.header("x-ms-source-if-none-match")
        ifModifiedSince = try Self.date(request, "x-ms-source-if-modified-since")
        ifUnmodifiedSince = try Self.date(request, "x-ms-source-if-unmodified-since")
    }

    var isEmpty: Bool { ifMatch == nil && ifNoneMatch == nil && ifModifiedSince == nil && ifUnmodifiedSince == nil }

    enum Outcome { case proceed, notModified, failed }

    /// Evaluates the conditions against a resource (nil when it does not exist).
    func evaluate(etag: String?, lastModified: Double?, isRead: Bool) -> Outcome {
        guard let etag, let lastModified else {
            // Nothing to compare with: a required match fails, everything else lets the operation go on.
            return ifMatch != nil && ifMatch != "" ? .failed : .proceed
        }
        let modified = lastModified.rounded(.down)
        if let ifMatch, !Self.matches(ifMatch, etag) { return .failed }
        if let since = ifUnmodifiedSince, modified > since.timeIntervalSince1970 { return .failed }
        if let ifNoneMatch, Self.matches(ifNoneMatch, etag) { return isRead ? .notModified : .failed }
        if let since = ifModifiedSince, modified <= since.timeIntervalSince1970 { return isRead ? .notModified : .failed }
        return .proceed
    }

    /// Throws 412 `ConditionNotMet` for a write whose conditions fail.
    func checkWrite(etag: String?, lastModified: Double?) throws {
        if evaluate(etag: etag, lastModified: lastModified, isRead: false) != .proceed { throw StorageError.conditionNotMet() }
    }

    /// Throws 412 `SourceConditionNotMet` for a copy whose source conditions fail.
    func checkSource(etag: String, lastModified: Double) throws {
        if evaluate(etag: etag, lastModified: lastModified, isRead: false) != .proceed {
            throw StorageError(.preconditionFailed, "SourceConditionNotMet", "The source condition specified using HTTP conditional header(s) is not met.")
        }
    }

    private static func matches(_ header: String, _ etag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            let value = candidate.trimmingCharacters(in: .whitespaces)
            return value == "*" || value == etag || "\"\(value)\"" == etag || value == "W/\(etag)"
        }
    }

    private static func date(_ request: StorageRequest, _ name: String) throws -> Date? {
        guard let text = request.header(name) else { return nil }
        guard let date = HTTPDate.parseRFC1123(text) else {
            throw StorageError.invalidHeader(name, text, "Dates must be in RFC 1123 format.")
        }
        return date
    }
}
