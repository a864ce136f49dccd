import Foundation
import GRDB

/// Queues cloud work again for what a verify found missing or stale, with the same outbox kinds and
/// payloads a fresh ingest writes, so the sync workers (the daemon or `ironviper sync`) stay the one
/// place that decides how things are uploaded.
extension Catalog {
    /// Queues the master of `sha256` from a present file holding it; false when no present file
    /// holds it (nothing local could be sent).
    @discardableResult
    package func requeueMaster(sha256: String) throws -> Bool {
        try write { db in
            guard let file = try Self.presentFile(sha256: sha256, db: db) else { return false }
            let version = try OutboxWriter.version(of: file, db: db)
            // Its reference again first, as for a fresh file: the master waits for it.
            try OutboxWriter.insert(.reference(version), target: sha256, fileId: file.id, assetId: file.assetId, db: db)
            try OutboxWriter.insert(.master(version), target: sha256, fileId: file.id, assetId: file.assetId, db: db)
            return true
        }
    }

    /// Queues one rendition blob of `sha256` (`RenditionRecord.blob`) from the previews folder; false
    /// when the catalog has no such rendition or no present file holds the content.
    @discardableResult
    package func requeueRendition(sha256: String, name: String) throws -> Bool {
        try write { db in
            guard let file = try Self.presentFile(sha256: sha256, db: db), let assetId = file.assetId,
                let rendition = try RenditionRecord.filter(Column("asset_id") == assetId).fetchAll(db)
                    .first(where: { $0.blob == name })
            else { return false }
            try OutboxWriter.insert(
                .rendition(RenditionFile(localPath: rendition.path, size: Int64(rendition.bytes))),
                target: CloudKeys.renditionBlob(sha256: sha256, name: name), fileId: file.id, assetId: assetId, db: db)
            return true
        }
    }

    /// Queues the `files` entity of file row `fileId` (written from the catalog's state when it runs).
    @discardableResult
    package func requeueEntity(fileId: Int64) throws -> Bool {
        try write { db in
            guard let file = try FileRecord.fetchOne(db, key: fileId) else { return false }
            try OutboxWriter.insert(
                .entity(try OutboxWriter.version(of: file, db: db)), target: CloudKeys.fileRowKey(path: file.path),
                fileId: fileId, assetId: file.assetId, db: db)
            return true
        }
    }

    /// The oldest present file holding `sha256`: where a master is read from.
    static func presentFile(sha256: String, db: Database) throws -> FileRecord? {
        try FileRecord.filter(Column("sha256") == sha256 && Column("state") == FileState.present)
            .order(Column("id")).fetchOne(db)
    }
}
