import AzureWire
import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// Append blobs: Append Block and Seal. Creation is Put Blob (`createTypedBlob`).
///
/// Each Append Block is one `blob_blocks` row (no block ID) after the last, pointing at the chunk that holds the
/// appended bytes: earlier bytes are never rewritten, and reads, snapshots and copies treat the rows as they treat
/// a block blob's committed blocks.
extension BlobService {
    func appendBlock(_ target: BlobTarget, _ request: StorageRequest) async throws -> Response {
        let limit = AppendBlobs.maxBlockSize(version: request.header("x-ms-version"))
        if request.header("content-length") == "0" {
            throw StorageError.invalidHeader("Content-Length", "0", "Append Block needs a body.")
        }
        let conditions = try BlobConditions(request)
        let position = try AppendBlobs.condition(request, "x-ms-blob-condition-appendpos")
        let maxSize = try AppendBlobs.condition(request, "x-ms-blob-condition-maxsize")
        let checksum = try TransactionalChecksum(request)
        try request.refuseDeclaredBody(over: limit)
        let staged = try await blobs.chunks.receive(request.body, limit: limit, crc64: checksum.wantsCRC64)
        do {
            try checksum.check(staged)
            let length = Int64(staged.length)
            let (record, offset, count) = try await blobs.write { db, _ -> (BlobRecord, Int64, Int) in
                var blob = try AppendBlobs.writable(db, target, request: request, conditions: conditions)
                let count =
                    try Int.fetchOne(
                        db.cachedStatement(sql: "SELECT count(*) FROM blob_blocks WHERE blob_id = ?"),
                        arguments: [blob.id!]) ?? 0
                guard count < AppendBlobs.maxBlockCount else {
                    throw StorageError(
                        .conflict, "BlockCountExceedsLimit",
                        "The committed block count cannot exceed the maximum limit of 50,000 blocks.")
                }
                if let position, position != blob.contentLength {
                    throw StorageError(
                        .preconditionFailed, "AppendPositionConditionNotMet",
                        "The append position condition specified was not met: the blob is \(blob.contentLength) bytes, not \(position).")
                }
                if let maxSize, blob.contentLength + length > maxSize {
                    throw StorageError(
                        .preconditionFailed, "MaxBlobSizeConditionNotMet",
                        "The max blob size condition specified was not met: \(blob.contentLength) + \(length) bytes exceed \(maxSize).")
                }
                let chunk = try BlobStore.insertChunk(db, staged)
                try db.executeCached(
                    sql: "INSERT INTO blob_blocks (blob_id, ordinal, block_id, chunk_id, length) VALUES (?, ?, NULL, ?, ?)",
                    arguments: [blob.id!, count, chunk, length])
                let offset = blob.contentLength
                blob.contentLength += length
                blob.touch(Date())
                try blob.update(db)
                return (blob, offset, count + 1)
            }
            var headers = Self.writeHeaders(record)
            checksum.answer(staged, into: &headers)
            headers[HTTPField.Name("x-ms-blob-append-offset")!] = String(offset)
            headers[HTTPField.Name("x-ms-blob-committed-block-count")!] = String(count)
            return Self.emptyResponse(.created, headers: headers)
        } catch {
            if let file = staged.file { blobs.chunks.remove(files: [file]) }
            throw error
        }
    }

    /// Seal: the append blob becomes read-only for good (until it is deleted or replaced). Sealing a sealed blob
    /// succeeds again, as Azure's idempotent answer.
    func sealBlob(_ target: BlobTarget, _ request: StorageRequest) async throws -> Response {
        let conditions = try BlobConditions(request)
        let position = try AppendBlobs.condition(request, "x-ms-blob-condition-appendpos")
        let record = try await blobs.write { db, _ -> BlobRecord in
            try Self.requireContainer(db, target)
            guard var blob = try Self.fetchBlob(db, target) else { throw Self.blobNotFound() }
            guard blob.blobType == AppendBlobs.blobType else { throw Self.invalidBlobType(blob) }
            try conditions.checkWrite(etag: blob.etag, lastModified: blob.lastModified)
            try LeaseAction.checkWrite(blob.lease, request: request, now: Date())
            try BlobImmutability.checkUnprotected(blob)
            if let position, position != blob.contentLength {
                throw StorageError(
                    .preconditionFailed, "AppendPositionConditionNotMet", "The append position condition specified was not met.")
            }
            if !blob.sealed {
                blob.sealed = true
                blob.touch(Date())
                try blob.update(db)
            }
            return blob
        }
        var headers = Self.writeHeaders(record)
        headers[HTTPField.Name("x-ms-blob-sealed")!] = "true"
        return Self.emptyResponse(.ok, headers: headers)
    }
}

/// Append blob rules: Azure's limits and the checks an append must pass.
enum AppendBlobs {
    static let blobType = "AppendBlob"
    static let maxBlockCount = 50_000

    /// 100 MiB per block from version 2022-11-02 on, 4 MiB before (Append Block's "Remarks"; Azurite allows 100 MiB
    /// whatever the version).
    static func maxBlockSize(version: String?) -> Int {
        (version ?? "9999") >= "2022-11-02" ? 100 * 1024 * 1024 : 4 * 1024 * 1024
    }

    /// The base append blob an append may extend, after the container, conditions, lease and seal allow it.
    static func writable(
        _ db: Database, _ target: BlobTarget, request: StorageRequest, conditions: BlobConditions
    ) throws -> BlobRecord {
        try BlobService.requireContainer(db, target)
        guard let blob = try BlobService.fetchBlob(db, target) else { throw BlobService.blobNotFound() }
        try conditions.checkWrite(etag: blob.etag, lastModified: blob.lastModified)
        try LeaseAction.checkWrite(blob.lease, request: request, now: Date())
        // A protected version's bytes are fixed: Append Block makes no new version, so it would change them.
        try BlobImmutability.checkUnprotected(blob)
        // The seal is checked before the type, as Azurite orders it; only an append blob can be sealed anyway.
        if blob.sealed {
            throw StorageError(
                .conflict, "BlobIsSealed",
                "The specified blob is sealed, and its contents can't be modified unless the blob is re-created after a delete.")
        }
        guard blob.blobType == blobType else { throw BlobService.invalidBlobType(blob) }
        return blob
    }

    /// A non-negative byte count in an append condition header, nil when absent.
    static func condition(_ request: StorageRequest, _ name: String) throws -> Int64? {
        guard let text = request.header(name) else { return nil }
        guard let value = Int64(text), value >= 0 else { throw StorageError.invalidHeader(name, text, "Expected a byte count.") }
        return value
    }

    /// The number of committed blocks, for the `x-ms-blob-committed-block-count` of reads.
    static func committedBlockCount(_ db: Database, _ blob: BlobRecord) throws -> Int? {
        guard blob.blobType == blobType, let id = blob.id else { return nil }
        return try Int.fetchOne(
            db.cachedStatement(sql: "SELECT count(*) FROM blob_blocks WHERE blob_id = ?"), arguments: [id])
    }
}
