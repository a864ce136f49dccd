import Foundation
import GRDB

/// Writes the outbox rows of a local fact, inside the transaction that records the fact, so a crash
/// can never leave a file in the catalog without the cloud work it needs (or the reverse).
enum OutboxWriter {
    /// Adds one row.
    static func insert(
        _ kind: OutboxKind, target: String, payload: OutboxPayload, fileId: Int64?, assetId: Int64?,
        notBefore: String? = nil, db: Database
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO outbox (kind, target, payload, file_id, asset_id, created_at, not_before)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [kind.rawValue, target, payload.encoded(), fileId, assetId, Timestamp.now(), notBefore])
    }

    /// The rows for a file row just written over `previous` (nil for a new path): its entity when
    /// anything users see changed, a history row and the content's upload for new content, and
    /// folder rows for folders the library did not have yet.
    static func fileRecorded(previous: FileRecord?, file: FileRecord, describing: Bool = false, db: Database) throws {
        guard let sha = file.sha256, let fileId = file.id else { return }
        let library = try String.fetchOne(
            db, sql: "SELECT name FROM libraries WHERE id = ?", arguments: [file.libraryId]) ?? ""
        let payload = OutboxPayload(
            library: library, path: file.path, sha256: sha, size: file.size, mtimeNs: file.mtimeNs,
            recordedNs: WallClock.nanoseconds())
        let newContent = previous?.sha256 != sha
        let changed =
            newContent || previous?.state != file.state || previous?.mtimeNs != file.mtimeNs
            || previous?.size != file.size
        // Content back after a vanish may have been purged (mirror) meanwhile: `contentSeen` checks.
        if newContent || previous?.state != "present", let assetId = file.assetId {
            try contentSeen(
                sha256: sha, assetId: assetId, payload: payload, fileId: fileId, describing: describing, db: db)
        }
        if changed {
            try insert(
                .entity, target: CloudKeys.fileRowKey(path: file.path), payload: payload, fileId: fileId,
                assetId: file.assetId, db: db)
        }
        if newContent {
            try insert(
                .history, target: CloudKeys.historyPartition(library: library, path: file.path), payload: payload,
                fileId: fileId, assetId: file.assetId, db: db)
        }
        if previous == nil {
            try foldersSeen(file: file, library: library, db: db)
        }
    }

    /// A path is gone from disk: one delete row (the worker applies the delete policy).
    static func fileVanished(file: FileRecord, db: Database) throws {
        let library = try String.fetchOne(
            db, sql: "SELECT name FROM libraries WHERE id = ?", arguments: [file.libraryId]) ?? ""
        let payload = OutboxPayload(
            library: library, path: file.path, sha256: file.sha256, size: file.size, mtimeNs: file.mtimeNs,
            recordedNs: WallClock.nanoseconds())
        try insert(
            .delete, target: CloudKeys.fileRowKey(path: file.path), payload: payload, fileId: file.id,
            assetId: file.assetId, db: db)
    }

    /// Content a path now holds: its master, renditions and (without renditions) an extract event,
    /// unless the cloud already has it, that is a master row exists and no purge ran after it.
    private static func contentSeen(
        sha256: String, assetId: Int64, payload: OutboxPayload, fileId: Int64, describing: Bool = false,
        db: Database
    ) throws {
        let lastMaster = try Int64.fetchOne(
            db, sql: "SELECT max(id) FROM outbox WHERE kind = 'master' AND target = ? AND last_error IS NOT ?",
            arguments: [sha256, OutboxNote.superseded])
        let lastPurge = try Int64.fetchOne(
            db, sql: "SELECT max(id) FROM outbox WHERE kind = 'purge' AND target = ? AND done_at IS NOT NULL",
            arguments: [sha256])
        if let lastMaster, (lastPurge ?? 0) < lastMaster { return }
        try insert(.master, target: sha256, payload: payload, fileId: fileId, assetId: assetId, db: db)
        if describing { return }  // `contentDescribed` queues its previews (or its event) once they exist
        try previewsSeen(sha256: sha256, assetId: assetId, payload: payload, fileId: fileId, db: db)
    }

    /// The previews of a content just described: one upload per rendition, and entities of `holders`,
    /// the present paths holding it (their metadata changed from the placeholder's).
    static func contentDescribed(assetId: Int64, holders: [FileRecord], db: Database) throws {
        guard let first = holders.first, let sha = first.sha256, let firstId = first.id else { return }
        let library = try String.fetchOne(
            db, sql: "SELECT name FROM libraries WHERE id = ?", arguments: [first.libraryId]) ?? ""
        let payload = OutboxPayload(
            library: library, path: first.path, sha256: sha, size: first.size, mtimeNs: first.mtimeNs,
            recordedNs: WallClock.nanoseconds())
        try previewsSeen(sha256: sha, assetId: assetId, payload: payload, fileId: firstId, db: db)
        for file in holders {
            var details = payload
            (details.path, details.size, details.mtimeNs) = (file.path, file.size, file.mtimeNs)
            try insert(
                .entity, target: CloudKeys.fileRowKey(path: file.path), payload: details, fileId: file.id,
                assetId: assetId, db: db)
        }
    }

    /// Rendition uploads of a content, or the extract event when it has none (and is an image).
    private static func previewsSeen(
        sha256: String, assetId: Int64, payload: OutboxPayload, fileId: Int64, db: Database
    ) throws {
        let renditions = try RenditionRecord.filter(Column("asset_id") == assetId).fetchAll(db)
        for rendition in renditions {
            var details = payload
            details.localPath = rendition.path
            details.size = Int64(rendition.bytes)
            try insert(
                .rendition, target: CloudKeys.renditionBlob(sha256: sha256, name: rendition.name), payload: details,
                fileId: fileId, assetId: assetId, db: db)
        }
        let kind = try String.fetchOne(db, sql: "SELECT kind FROM assets WHERE id = ?", arguments: [assetId])
        if renditions.isEmpty, let kind, kind != "other" {
            try insert(.event, target: CloudKeys.extractQueue, payload: payload, fileId: fileId, assetId: assetId, db: db)
        }
    }

    /// Folder rows for the ancestors of a new path that have none queued yet (the outbox keeps done
    /// rows, so it knows every folder the cloud was told about).
    private static func foldersSeen(file: FileRecord, library: String, db: Database) throws {
        let parts = file.path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        var prefix = ""
        for part in parts {
            let folder = prefix.isEmpty ? String(part) : prefix + "/" + part
            let partition = CloudKeys.folderPartition(library: library, parent: prefix)
            let known = try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM outbox WHERE kind = 'folder' AND target = ?
                                   AND json_extract(payload, '$.folder') = ?)
                    """,
                arguments: [partition, folder]) ?? false
            if !known {
                let payload = OutboxPayload(library: library, path: file.path, folder: folder)
                try insert(.folder, target: partition, payload: payload, fileId: file.id, assetId: nil, db: db)
            }
            prefix = folder
        }
    }

    /// Queues the cloud work of a catalog made before the outbox was filled: every present file as
    /// if it were new (one master per content, entities, history, folders).
    static func backfill(db: Database) throws {
        let files = try FileRecord.filter(Column("state") == "present" && Column("sha256") != nil)
            .order(Column("id")).fetchAll(db)
        for file in files { try fileRecorded(previous: nil, file: file, db: db) }
    }
}
