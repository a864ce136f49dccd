import AzureWire
import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// Reading blobs: Get Blob (whole or ranged), Get Blob Properties, Get Blob Metadata.
extension BlobService {
    static let contentCRC64 = HTTPField.Name("x-ms-content-crc64")!

    /// The checksum a ranged read asks to be sent with its bytes: `x-ms-range-get-content-md5` (as `Content-MD5`)
    /// or `x-ms-range-get-content-crc64` (as `x-ms-content-crc64`), for ranges up to 4 MiB and never both, as
    /// Azure answers them.
    enum RangeChecksum {
        case md5, crc64

        static let maximumRange = Int64(4 * 1024 * 1024)

        init?(_ request: StorageRequest, count: Int64) throws {
            let md5 = request.header("x-ms-range-get-content-md5")?.lowercased() == "true"
            let crc64 = request.header("x-ms-range-get-content-crc64")?.lowercased() == "true"
            if md5 && crc64 {
                throw StorageError(
                    .badRequest, "InvalidHeaderValue",
                    "x-ms-range-get-content-md5 and x-ms-range-get-content-crc64 cannot both be true.")
            }
            guard md5 || crc64 else { return nil }
            guard count <= Self.maximumRange else {
                let name = md5 ? "x-ms-range-get-content-md5" : "x-ms-range-get-content-crc64"
                throw StorageError(.badRequest, "OutOfRangeInput", "\(name) is supported for ranges of at most 4 MiB.")
            }
            self = md5 ? .md5 : .crc64
        }
    }

    func getBlob(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext, headOnly: Bool) async throws -> Response {
        let snapshot = request.query("snapshot") ?? ""
        let found = try await blobs.lookup { db -> (ContainerRecord?, BlobRecord?, [BlobExtent], BlobAnnex, Int?) in
            let container = try ContainerRecord.find(db, account: target.account, name: target.container)
            let blob = try Self.fetchBlob(db, target, snapshot: snapshot, version: request.query("versionid"))
            let extents = try blob.flatMap { headOnly ? nil : try BlobStore.extents(db, of: $0) } ?? []
            return (
                container, blob, extents, try BlobAnnex.fetch(db, blob: blob),
                try blob.flatMap { try AppendBlobs.committedBlockCount(db, $0) }
            )
        }
        let publicRead = found.0?.publicAccess != nil
        try context.authorize(AccessRequirement("r", .object, container: target.container, blob: target.blob), publicRead: publicRead)
        guard found.0 != nil else { throw Self.containerNotFound() }
        guard let blob = found.1 else { throw Self.blobNotFound() }
        let now = Date()
        try LeaseAction.checkRead(blob.lease, request: request, now: now)
        switch try BlobConditions(request).evaluate(etag: blob.etag, lastModified: blob.lastModified, isRead: true) {
        case .proceed: break
        case .notModified:
            var headers = HTTPFields()
            headers[.eTag] = blob.etag
            headers[.lastModified] = HTTPDate.rfc1123(Date(timeIntervalSince1970: blob.lastModified))
            headers[.xMsErrorCode] = "ConditionNotMet"
            return Self.emptyResponse(.notModified, headers: headers)
        case .failed: throw StorageError.conditionNotMet()
        }
        var headers = BlobHeaders.properties(of: blob, now: now, includeTier: headOnly)
        found.3.write(to: &headers, includeTier: headOnly)
        Self.writeTypeProperties(blob, committedBlocks: found.4, to: &headers)
        if case .sharedAccessSignature(let grant) = context.credential { Self.applyOverrides(grant, to: &headers) }
        if headOnly {
            headers[.contentLength] = String(blob.contentLength)
            return Response(status: .ok, headers: headers, body: .init())
        }
        if blob.tier == Self.archive { throw Self.blobArchived() }
        guard let range = ByteRange.parse(request) else {
            headers[.contentLength] = String(blob.contentLength)
            return Response(
                status: .ok, headers: headers,
                body: BlobContent.body(found.2, range: 0..<blob.contentLength, chunks: blobs.chunks))
        }
        let resolved = try range.resolve(length: blob.contentLength)
        headers[.contentRange] = "bytes \(resolved.lowerBound)-\(resolved.upperBound - 1)/\(blob.contentLength)"
        headers[.contentLength] = String(resolved.count)
        headers[HTTPField.Name("Content-MD5")!] = nil
        if let md5 = blob.contentMd5 { headers[HTTPField.Name("x-ms-blob-content-md5")!] = md5.base64EncodedString() }
        switch try RangeChecksum(request, count: Int64(resolved.count)) {
        case nil: break
        case .md5:
            let md5 = try await BlobContent.md5(found.2, range: resolved, chunks: blobs.chunks)
            headers[HTTPField.Name("Content-MD5")!] = md5.base64EncodedString()
        case .crc64:
            let crc = try await BlobContent.crc64(found.2, range: resolved, chunks: blobs.chunks)
            headers[Self.contentCRC64] = crc.base64EncodedString()
        }
        return Response(status: .partialContent, headers: headers, body: BlobContent.body(found.2, range: resolved, chunks: blobs.chunks))
    }

    func getBlobMetadata(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        let snapshot = request.query("snapshot") ?? ""
        let found = try await blobs.lookup { db in
            (try ContainerRecord.find(db, account: target.account, name: target.container),
             try Self.fetchBlob(db, target, snapshot: snapshot, version: request.query("versionid")))
        }
        try context.authorize(
            AccessRequirement("r", .object, container: target.container, blob: target.blob), publicRead: found.0?.publicAccess != nil)
        guard found.0 != nil else { throw Self.containerNotFound() }
        guard let blob = found.1 else { throw Self.blobNotFound() }
        try LeaseAction.checkRead(blob.lease, request: request, now: Date())
        if try BlobConditions(request).evaluate(etag: blob.etag, lastModified: blob.lastModified, isRead: true) != .proceed {
            throw StorageError.conditionNotMet()
        }
        var headers = HTTPFields()
        headers[.eTag] = blob.etag
        headers[.lastModified] = HTTPDate.rfc1123(Date(timeIntervalSince1970: blob.lastModified))
        BlobHeaders.writeMetadata(blob.metadata, to: &headers)
        return Self.emptyResponse(.ok, headers: headers)
    }

    // MARK: helpers

    /// The live blob or snapshot `target` names, or with `version` (`?versionid=`) that version.
    static func fetchBlob(_ db: Database, _ target: BlobTarget, snapshot: String = "", version: String? = nil) throws -> BlobRecord? {
        if let version, snapshot.isEmpty { return try BlobVersions.fetch(db, target, version: version) }
        return try BlobRecord.fetchOne(
            db.cachedStatement(
                sql: "SELECT * FROM blobs WHERE account = ? AND container = ? AND name = ? AND snapshot = ? AND retired = ''"),
            arguments: [target.account, target.container, target.blob, snapshot])
    }

    static func blobNotFound() -> StorageError {
        StorageError(.notFound, "BlobNotFound", "The specified blob does not exist.")
    }

    /// A blob SAS may override response headers (`rscc`, `rscd`, `rsce`, `rscl`, `rsct`).
    static func applyOverrides(_ grant: SASGrant, to headers: inout HTTPFields) {
        let names: [String: HTTPField.Name] = [
            "rscc": .cacheControl, "rscd": .contentDisposition, "rsce": .contentEncoding, "rscl": .contentLanguage,
            "rsct": .contentType,
        ]
        for (key, value) in grant.responseHeaderOverrides {
            if let name = names[key] { headers[name] = value }
        }
    }
}
