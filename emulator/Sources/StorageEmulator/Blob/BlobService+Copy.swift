import AzureWire
import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// Operations that derive one blob from another or change its state: Snapshot, Copy, Lease (Set Tier: `Tiers/`).
extension BlobService {
    func snapshotBlob(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try authorizeWrite(target, context)
        let metadata = try BlobHeaders.metadata(request)
        let conditions = try BlobConditions(request)
        let snapshot = try await blobs.write { db, _ -> BlobRecord in
            try Self.requireContainer(db, target)
            guard let base = try Self.fetchBlob(db, target) else { throw Self.blobNotFound() }
            try conditions.checkWrite(etag: base.etag, lastModified: base.lastModified)
            try LeaseAction.checkRead(base.lease, request: request, now: Date())
            var snapshot = base
            snapshot.id = nil
            snapshot.lease = LeaseFields()
            snapshot.snapshot = try Self.newSnapshotID(db, target)
            if !metadata.isEmpty { snapshot.metadata = MetadataCoding.encode(metadata) }
            try snapshot.insert(db)
            try Self.copyState(db, from: base.id!, to: snapshot.id!)
            return snapshot
        }
        var headers = Self.writeHeaders(snapshot)
        headers[HTTPField.Name("x-ms-snapshot")!] = snapshot.snapshot
        return Self.emptyResponse(.created, headers: headers)
    }

    func copyBlob(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        let createOnly = try authorizeWrite(target, context)
        try Self.validateBlobName(target.blob)
        let sourceURL = request.header("x-ms-copy-source") ?? ""
        let (source, sourceSnapshot, sourceComponents) = try Self.parseCopySource(sourceURL, account: target.account)
        try await authorizeCopySource(source, url: sourceComponents, context)
        let metadata = try BlobHeaders.metadata(request)
        let tier = try Self.accessTier(request)
        let tags = try BlobTags.header(request)
        let conditions = try BlobConditions(request)
        let sourceConditions = try BlobConditions(source: request)
        let copyID = UUIDString.make()
        let features = blobFeatures(target)
        let sourceVersion = sourceComponents.queryItems?.first { $0.name == "versionid" }?.value
        let record = try await blobs.write { db, orphans -> BlobRecord in
            guard let original = try Self.fetchBlob(db, source, snapshot: sourceSnapshot, version: sourceVersion) else {
                throw StorageError(.notFound, "CannotVerifyCopySource", "The specified blob does not exist: \(source).")
            }
            try sourceConditions.checkSource(etag: original.etag, lastModified: original.lastModified)
            let rehydration = try archivedCopy(source: original, to: target, tier: tier, request)
            let now = Date()
            var blob = try Self.prepareOverwrite(
                db, target, request: request, conditions: conditions, createOnly: createOnly, features: features)
            try Self.adoptType(of: original, into: &blob, request: request)
            blob.contentHeaders = original.contentHeaders
            blob.contentLength = original.contentLength
            blob.metadata = metadata.isEmpty ? original.metadata : MetadataCoding.encode(metadata)
            blob.tier = tier
            blob.tierChanged = tier == nil ? nil : now.timeIntervalSince1970
            blob.copyId = copyID
            blob.copySource = sourceURL
            blob.copyStatus = "success"
            blob.copyProgress = "\(original.contentLength)/\(original.contentLength)"
            blob.copyCompleted = now.timeIntervalSince1970
            try blob.save(db)
            let blocks = try Row.fetchAll(
                db.cachedStatement(
                    sql: "SELECT block_id, chunk_id, length FROM blob_blocks WHERE blob_id = ? ORDER BY ordinal"),
                arguments: [original.id!]
            ).map { (blockID: $0[0] as String?, chunkID: $0[1] as Int64, length: $0[2] as Int64) }
            try BlobStore.setBlocks(db, blobID: blob.id!, blocks: blocks, orphans: &orphans)
            try PageStore.copyPages(db, from: original.id!, to: blob.id!)
            try BlobStore.dropStagedBlocks(db, account: target.account, container: target.container, blob: target.blob, orphans: &orphans)
            try (tags ?? BlobTags()).replace(db, blobID: blob.id!)
            try rehydration.map { try Self.startCopyRehydration($0, &blob, db) }
            return blob
        }
        var headers = Self.writeHeaders(record)
        headers[HTTPField.Name("x-ms-copy-id")!] = copyID
        headers[HTTPField.Name("x-ms-copy-status")!] = record.copyStatus
        return Self.emptyResponse(.accepted, headers: headers)
    }

    func leaseBlob(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(AccessRequirement("w", .object, container: target.container, blob: target.blob))
        let action = try LeaseAction(request)
        let conditions = try BlobConditions(request)
        let (result, blob) = try await blobs.write { db, _ -> (LeaseAction.Result, BlobRecord) in
            try Self.requireContainer(db, target)
            guard var blob = try Self.fetchBlob(db, target) else { throw Self.blobNotFound() }
            try conditions.checkWrite(etag: blob.etag, lastModified: blob.lastModified)
            let result = try action.apply(to: blob.lease, now: Date())
            blob.lease = result.lease
            try blob.update(db)
            return (result, blob)
        }
        var headers = HTTPFields()
        headers[.eTag] = blob.etag
        headers[.lastModified] = HTTPDate.rfc1123(Date(timeIntervalSince1970: blob.lastModified))
        headers.append(contentsOf: result.headers)
        return Self.emptyResponse(result.status, headers: headers)
    }

    // MARK: helpers

    /// A snapshot ID is its creation time with seven fractional digits, unique per blob.
    static func newSnapshotID(_ db: Database, _ target: BlobTarget) throws -> String {
        try uniqueTimestamp(db, target, column: "snapshot")
    }

    /// The current time with seven fractional digits, unused in `column` (`snapshot` or `version_id`) of the blob.
    static func uniqueTimestamp(_ db: Database, _ target: BlobTarget, column: String) throws -> String {
        var time = Date()
        while true {
            let id = HTTPDate.iso8601(time)
            let taken = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM blobs WHERE account = ? AND container = ? AND name = ? AND \(column) = ?)",
                arguments: [target.account, target.container, target.blob, id]) ?? false
            if !taken { return id }
            time = time.addingTimeInterval(0.000_000_1)
        }
    }

    /// Gives a new row (a snapshot, a previous version, a soft-deleted snapshot) everything of `source` that lives
    /// outside its `blobs` row: block rows, page rows (chunks shared, never bytes) and index tags. A pending
    /// rehydration stays with the source: a kept state is not rehydrated in place.
    static func copyState(_ db: Database, from source: Int64, to destination: Int64) throws {
        try copyBlocks(db, from: source, to: destination)
        try PageStore.copyPages(db, from: source, to: destination)
        try BlobTags.fetch(db, blobID: source).replace(db, blobID: destination)
    }

    static func copyBlocks(_ db: Database, from source: Int64, to destination: Int64) throws {
        try db.executeCached(
            sql: """
                INSERT INTO blob_blocks (blob_id, ordinal, block_id, chunk_id, length)
                SELECT ?, ordinal, block_id, chunk_id, length FROM blob_blocks WHERE blob_id = ?
                """, arguments: [destination, source])
    }

    /// The blob a copy source URL names: path-style `http://host:port/ACCOUNT/CONTAINER/BLOB[?snapshot=…]`.
    /// Sources outside this emulator cannot be reached (no network), which is Azure's `CannotVerifyCopySource`.
    static func parseCopySource(_ url: String, account: String) throws -> (BlobTarget, String, URLComponents) {
        guard let components = URLComponents(string: url), let scheme = components.scheme, scheme.hasPrefix("http") else {
            throw StorageError.invalidHeader("x-ms-copy-source", url, "Not an absolute http(s) URL.")
        }
        let parts = components.percentEncodedPath.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: true)
            .map { PercentEncoding.decode($0) }
        guard parts.count == 3 else {
            throw StorageError(
                .notFound, "CannotVerifyCopySource", "The copy source \(url) is not a blob of this emulator (expected /ACCOUNT/CONTAINER/BLOB).")
        }
        let snapshot = components.queryItems?.first { $0.name == "snapshot" }?.value ?? ""
        return (BlobTarget(account: parts[0], container: parts[1], blob: parts[2]), snapshot, components)
    }
}
