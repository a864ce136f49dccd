import Foundation
import GRDB

/// Queues cloud work again for what a verify found missing or stale, with the same outbox kinds and
/// payloads a fresh ingest writes, so the sync workers (the daemon or `ironviper sync`) stay the one
/// place that decides how things are uploaded.
extension Catalog {
    /// Queues the master of `sha256` from a present file holding it; false when no present file
    /// holds it (nothing local could be sent).
    @discardableResult
    public func requeueMaster(sha256: String) throws -> Bool {
        try write { db in
            guard let (file, payload) = try Self.presentFile(sha256: sha256, db: db) else { return false }
            try OutboxWriter.insert(
                .master, target: sha256, payload: payload, fileId: file.id, assetId: file.assetId, db: db)
            return true
        }
    }

    /// Queues one rendition of `sha256` from the previews folder; false when the catalog has no
    /// such rendition or no present file holds the content.
    @discardableResult
    public func requeueRendition(sha256: String, name: String) throws -> Bool {
        try write { db in
            guard let (file, payload) = try Self.presentFile(sha256: sha256, db: db), let assetId = file.assetId,
                let rendition = try RenditionRecord.filter(Column("asset_id") == assetId && Column("name") == name)
                    .fetchOne(db)
            else { return false }
            var details = payload
            details.localPath = rendition.path
            details.size = Int64(rendition.bytes)
            try OutboxWriter.insert(
                .rendition, target: CloudKeys.renditionBlob(sha256: sha256, name: name), payload: details,
                fileId: file.id, assetId: assetId, db: db)
            return true
        }
    }

    /// Queues the `files` entity of file row `fileId` (written from the catalog's state when it runs).
    @discardableResult
    public func requeueEntity(fileId: Int64) throws -> Bool {
        try write { db in
            guard let file = try FileRecord.fetchOne(db, key: fileId) else { return false }
            let payload = try Self.payload(file, db: db)
            try OutboxWriter.insert(
                .entity, target: CloudKeys.fileRowKey(path: file.path), payload: payload, fileId: fileId,
                assetId: file.assetId, db: db)
            return true
        }
    }

    private static func presentFile(sha256: String, db: Database) throws -> (FileRecord, OutboxPayload)? {
        guard
            let file = try FileRecord.filter(Column("sha256") == sha256 && Column("state") == "present")
                .order(Column("id")).fetchOne(db)
        else { return nil }
        return (file, try payload(file, db: db))
    }

    private static func payload(_ file: FileRecord, db: Database) throws -> OutboxPayload {
        let library =
            try String.fetchOne(
                db, sql: "SELECT name FROM libraries WHERE id = ?", arguments: [file.libraryId]) ?? ""
        return OutboxPayload(
            library: library, path: file.path, sha256: file.sha256, size: file.size, mtimeNs: file.mtimeNs,
            recordedNs: WallClock.nanoseconds())
    }
}
