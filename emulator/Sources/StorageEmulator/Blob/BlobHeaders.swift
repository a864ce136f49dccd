import AzureWire
import Foundation
import HTTPTypes

/// Reading blob properties from request headers and writing them to response headers.
enum BlobHeaders {
    static let metadataPrefix = "x-ms-meta-"

    /// `x-ms-meta-*` headers as (name, value), names in the case the client sent them.
    static func metadata(_ request: StorageRequest) throws -> [(String, String)] {
        var result: [(String, String)] = []
        for field in request.headers where field.name.canonicalName.hasPrefix(metadataPrefix) {
            let name = String(field.name.rawName.dropFirst(metadataPrefix.count))
            guard Self.isValidMetadataName(name) else {
                throw StorageError(
                    .badRequest, "InvalidMetadata", "The metadata specified is invalid. It has characters that are not permitted: '\(name)'.")
            }
            result.append((name, field.value))
        }
        try MetadataSize.check(result)
        return result
    }

    /// Metadata names must be valid C# identifiers, as Azure requires.
    static func isValidMetadataName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }

    static func writeMetadata(_ json: String, to headers: inout HTTPFields) {
        for (name, value) in MetadataCoding.decode(json) {
            if let field = HTTPField.Name(metadataPrefix + name) { headers[field] = value }
        }
    }

    /// Content headers of an upload (`x-ms-blob-content-*` win over the plain ones, which describe the request body).
    static func contentHeaders(_ request: StorageRequest, plainFallback: Bool) throws -> ContentHeaders {
        func value(_ blobHeader: String, _ plain: String) -> String? {
            request.header(blobHeader) ?? (plainFallback ? request.header(plain) : nil)
        }
        var md5: Data?
        if let text = request.header("x-ms-blob-content-md5") {
            guard let decoded = Data(base64Encoded: text), decoded.count == 16 else {
                throw StorageError.invalidHeader("x-ms-blob-content-md5", text, "Not a base64 MD5.")
            }
            md5 = decoded
        }
        return ContentHeaders(
            contentType: value("x-ms-blob-content-type", "content-type"),
            contentEncoding: value("x-ms-blob-content-encoding", "content-encoding"),
            contentLanguage: value("x-ms-blob-content-language", "content-language"),
            contentMd5: md5,
            contentDisposition: value("x-ms-blob-content-disposition", "content-disposition"),
            cacheControl: value("x-ms-blob-cache-control", "cache-control"))
    }

    /// `Content-MD5` of the request body, if the client sent one.
    static func transactionalMD5(_ request: StorageRequest) throws -> Data? {
        guard let text = request.header("content-md5") else { return nil }
        guard let decoded = Data(base64Encoded: text), decoded.count == 16 else {
            throw StorageError.invalidHeader("Content-MD5", text, "Not a base64 MD5.")
        }
        return decoded
    }

    /// Throws 400 `Md5Mismatch` when the client's MD5 disagrees with the bytes received.
    static func checkMD5(_ expected: Data?, computed: [UInt8]) throws {
        guard let expected, Array(expected) != computed else { return }
        throw StorageError.md5Mismatch(expected: expected.base64EncodedString(), computed: Data(computed).base64EncodedString())
    }

    /// The headers Get Blob and Get Blob Properties return for a blob.
    static func properties(of blob: BlobRecord, now: Date, includeTier: Bool) -> HTTPFields {
        var headers = HTTPFields()
        headers[.lastModified] = HTTPDate.rfc1123(Date(timeIntervalSince1970: blob.lastModified))
        headers[.eTag] = blob.etag
        headers[HTTPField.Name("x-ms-creation-time")!] = HTTPDate.rfc1123(Date(timeIntervalSince1970: blob.created))
        headers[HTTPField.Name("x-ms-blob-type")!] = blob.blobType
        headers[.contentType] = blob.contentType ?? "application/octet-stream"
        if let value = blob.contentEncoding { headers[.contentEncoding] = value }
        if let value = blob.contentLanguage { headers[.contentLanguage] = value }
        if let value = blob.contentDisposition { headers[.contentDisposition] = value }
        if let value = blob.cacheControl { headers[.cacheControl] = value }
        if let md5 = blob.contentMd5 { headers[HTTPField.Name("Content-MD5")!] = md5.base64EncodedString() }
        headers[.acceptRanges] = "bytes"
        headers[HTTPField.Name("x-ms-server-encrypted")!] = "true"
        writeLease(blob.lease, now: now, to: &headers)
        writeMetadata(blob.metadata, to: &headers)
        if !blob.snapshot.isEmpty { headers[HTTPField.Name("x-ms-snapshot")!] = blob.snapshot }
        BlobVersions.writeProperties(blob, to: &headers)
        BlobImmutability.writeProperties(blob, to: &headers)
        if includeTier {
            headers[HTTPField.Name("x-ms-access-tier")!] = blob.tier ?? "Hot"
            if blob.tier == nil {
                headers[HTTPField.Name("x-ms-access-tier-inferred")!] = "true"
            } else if let changed = blob.tierChanged {
                headers[HTTPField.Name("x-ms-access-tier-change-time")!] = HTTPDate.rfc1123(Date(timeIntervalSince1970: changed))
            }
        }
        if let copyID = blob.copyId {
            headers[HTTPField.Name("x-ms-copy-id")!] = copyID
            if let value = blob.copySource { headers[HTTPField.Name("x-ms-copy-source")!] = value }
            if let value = blob.copyStatus { headers[HTTPField.Name("x-ms-copy-status")!] = value }
            if let value = blob.copyProgress { headers[HTTPField.Name("x-ms-copy-progress")!] = value }
            if let value = blob.copyCompleted {
                headers[HTTPField.Name("x-ms-copy-completion-time")!] = HTTPDate.rfc1123(Date(timeIntervalSince1970: value))
            }
        }
        return headers
    }

    static func writeLease(_ lease: LeaseFields, now: Date, to headers: inout HTTPFields) {
        let state = lease.state(at: now)
        headers[HTTPField.Name("x-ms-lease-state")!] = state
        headers[HTTPField.Name("x-ms-lease-status")!] = state == "leased" || state == "breaking" ? "locked" : "unlocked"
        if state == "leased" {
            headers[HTTPField.Name("x-ms-lease-duration")!] = lease.leaseDuration == -1 ? "infinite" : "fixed"
        }
    }

    /// A new ETag in Azure's shape (`"0x8D…"`), distinct for every write.
    static func newETag() -> String {
        var generator = SystemRandomNumberGenerator()
        let time = UInt64(Date().timeIntervalSince1970 * 10_000_000)
        let salt = UInt16.random(in: 0...UInt16.max, using: &generator)
        return "\"0x8D\(String(time, radix: 16, uppercase: true))\(String(salt, radix: 16, uppercase: true))\""
    }
}

extension HTTPField.Name {
    static let xMsLeaseID = Self("x-ms-lease-id")!
    static let xMsMeta = Self("x-ms-meta")!
}
