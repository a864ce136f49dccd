import Foundation
import GRDB

/// Writes the outbox rows of a local fact, inside the transaction that records the fact, so a crash
/// can never leave a file in the catalog without the cloud work it needs (or the reverse). This is
/// the one place that decides what a fact sends to the cloud.
enum OutboxWriter {
    /// Adds one row.
    static func insert(
        _ work: OutboxWork, target: String, fileId: Int64?, assetId: Int64?, notBefore: String? = nil, db: Database
    ) throws {
        // Cached statements here and on the other per-file paths: compiling them anew was a fifth of a small
        // file's ingest (SQLite's parser and GRDB's authorizer callback, `perf` on 5,000 files of 10 kB).
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO outbox (kind, target, payload, file_id, asset_id, created_at, not_before)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        try statement.execute(arguments: [
            work.kind.rawValue, target, work.payload(), fileId, assetId, OutboxTime.format(Date()), notBefore,
        ])
    }

    /// Whether a row of `kind` for `target` is queued and not done.
    static func isPending(_ kind: OutboxKind, target: String, db: Database) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE kind = ? AND target = ? AND done_at IS NULL)"),
            arguments: [kind.rawValue, target]) ?? false
    }

    /// The version of `file` as it is now, under its library's name.
    static func version(of file: FileRecord, db: Database) throws -> PathVersion {
        PathVersion(
            library: try Catalog.libraryName(id: file.libraryId, db: db), path: file.path, sha256: file.sha256,
            size: file.size, mtimeNs: file.mtimeNs, recordedNs: WallClock.nanoseconds())
    }

    /// The rows for a file row just written over `previous` (nil for a new path): its entity when
    /// anything users see changed, a history row and the content's upload for new content, and
    /// folder rows for folders the library did not have yet.
    static func fileRecorded(previous: FileRecord?, file: FileRecord, describing: Bool = false, db: Database) throws {
        guard let sha = file.sha256, let fileId = file.id else { return }
        let version = try version(of: file, db: db)
        let newContent = previous?.sha256 != sha
        // A path recorded without its content's asset (a copy written before its content was, which ingest no
        // longer does) has no reference yet and a cloud row without the content's facts: linked now.
        let linked = previous != nil && previous?.assetId == nil && file.assetId != nil
        let changed =
            newContent || linked || previous?.state != file.state || previous?.mtimeNs != file.mtimeNs
            || previous?.size != file.size
        // Content back after a vanish may have been purged (mirror) meanwhile: `contentSeen` checks.
        if newContent || linked || previous?.state != .present, let assetId = file.assetId {
            // The path's reference first: its master and renditions wait for it (`Outbox.blocked`), so
            // another device's purge either sees it or is seen by them.
            try insert(
                .reference(version), target: sha, fileId: fileId, assetId: assetId, db: db)
            try contentSeen(
                sha256: sha, assetId: assetId, version: version, fileId: fileId, describing: describing, db: db)
        }
        if changed {
            try insert(
                .entity(version), target: CloudKeys.fileRowKey(path: file.path), fileId: fileId,
                assetId: file.assetId, db: db)
        }
        if newContent {
            try insert(
                .history(version), target: CloudKeys.pathKey(library: version.library, path: file.path),
                fileId: fileId, assetId: file.assetId, db: db)
        }
        if previous == nil {
            try foldersSeen(file: file, library: version.library, db: db)
        }
    }

    /// A library's `devices` row: written when the library is created, renamed or moved.
    static func librarySeen(_ library: LibraryRecord, db: Database) throws {
        try insert(
            .library(LibraryEntry(library: library.name, root: library.root)), target: library.name, fileId: nil,
            assetId: nil, db: db)
    }

    /// A path is gone from disk: one delete row (the worker applies the delete policy).
    static func fileVanished(file: FileRecord, db: Database) throws {
        try insert(
            .delete(try version(of: file, db: db)), target: CloudKeys.fileRowKey(path: file.path), fileId: file.id,
            assetId: file.assetId, db: db)
    }

    /// Content a path now holds: its master, renditions and (without renditions) an extract event,
    /// unless the cloud already has it, that is a master row exists and no purge ran after it or is
    /// still to run (a purge in flight may delete the blob: the master row is what looks again, after
    /// this path's reference, and uploads it if it went).
    private static func contentSeen(
        sha256: String, assetId: Int64, version: PathVersion, fileId: Int64, describing: Bool = false, db: Database
    ) throws {
        let lastMaster = try Int64.fetchOne(
            db.cachedStatement(
                sql: "SELECT max(id) FROM outbox WHERE kind = 'master' AND target = ? AND last_error IS NOT ?"),
            arguments: [sha256, OutboxNote.superseded])
        let lastPurge = try Int64.fetchOne(
            db.cachedStatement(
                sql: "SELECT max(id) FROM outbox WHERE kind = 'purge' AND target = ? AND done_at IS NOT NULL"),
            arguments: [sha256])
        if let lastMaster, (lastPurge ?? 0) < lastMaster, try !isPending(.purge, target: sha256, db: db) { return }
        try insert(.master(version), target: sha256, fileId: fileId, assetId: assetId, db: db)
        if describing { return }  // `contentDescribed` queues its previews (or its event) once they exist
        try previewsSeen(sha256: sha256, assetId: assetId, version: version, fileId: fileId, db: db)
    }

    /// The previews of a content just described: one upload per rendition, and entities of `holders`,
    /// the present paths holding it (their metadata changed from the placeholder's).
    static func contentDescribed(assetId: Int64, holders: [FileRecord], db: Database) throws {
        guard let first = holders.first, let sha = first.sha256, let firstId = first.id else { return }
        let version = try version(of: first, db: db)
        try previewsSeen(sha256: sha, assetId: assetId, version: version, fileId: firstId, db: db)
        for file in holders {
            var holder = version
            (holder.path, holder.size, holder.mtimeNs) = (file.path, file.size, file.mtimeNs)
            try insert(
                .entity(holder), target: CloudKeys.fileRowKey(path: file.path), fileId: file.id, assetId: assetId,
                db: db)
        }
    }

    /// Fresh entities of `holders`: a description learned from the cloud reaches the rows of paths
    /// the worker did not know of (recorded after its message was worked).
    static func describedInCloud(assetId: Int64, holders: [FileRecord], db: Database) throws {
        for file in holders {
            try insert(
                .entity(try version(of: file, db: db)), target: CloudKeys.fileRowKey(path: file.path), fileId: file.id,
                assetId: assetId, db: db)
        }
    }

    /// Fresh entities of every present path holding `sha256`: its tags or rating changed in the gallery,
    /// and the `files` rows carry them (`FileEntity` reads them when the row runs).
    static func annotated(sha256: String, db: Database) throws {
        let holders = try FileRecord.filter(Column("sha256") == sha256 && Column("state") == FileState.present)
            .fetchAll(db)
        for file in holders {
            try insert(
                .entity(try version(of: file, db: db)), target: CloudKeys.fileRowKey(path: file.path), fileId: file.id,
                assetId: file.assetId, db: db)
        }
    }

    /// Rendition uploads of a content, or the extract event when it has none (and is an image).
    private static func previewsSeen(
        sha256: String, assetId: Int64, version: PathVersion, fileId: Int64, db: Database
    ) throws {
        let renditions = try RenditionRecord.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM renditions WHERE asset_id = ?"), arguments: [assetId])
        var queued: Set<String> = []
        for rendition in renditions where queued.insert(rendition.blob).inserted {
            try insert(
                .rendition(RenditionFile(localPath: rendition.path, size: Int64(rendition.bytes))),
                target: CloudKeys.renditionBlob(sha256: sha256, name: rendition.blob), fileId: fileId,
                assetId: assetId, db: db)
        }
        let kind = try String.fetchOne(
            db.cachedStatement(sql: "SELECT kind FROM assets WHERE id = ?"), arguments: [assetId])
            .flatMap(AssetKind.init(rawValue:))
        if renditions.isEmpty, let kind, kind.hasPreviews {
            try insert(.event(version), target: CloudKeys.extractQueue, fileId: fileId, assetId: assetId, db: db)
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
            let known =
                try Bool.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT EXISTS (SELECT 1 FROM outbox WHERE kind = 'folder' AND target = ?
                                           AND json_extract(payload, '$.folder') = ?)
                            """), arguments: [partition, folder]) ?? false
            if !known {
                try insert(
                    .folder(FolderEntry(library: library, folder: folder)), target: partition, fileId: file.id,
                    assetId: nil, db: db)
            }
            prefix = folder
        }
    }

    /// Queues the cloud work of a catalog made before the outbox was filled: every present file as
    /// if it were new (one master per content, entities, history, folders).
    static func backfill(db: Database) throws {
        let files = try FileRecord.filter(Column("state") == FileState.present.rawValue && Column("sha256") != nil)
            .order(Column("id")).fetchAll(db)
        for file in files { try fileRecorded(previous: nil, file: file, db: db) }
    }
}
