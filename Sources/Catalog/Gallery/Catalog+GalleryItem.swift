import Foundation
import GRDB

extension Catalog {
    /// The detail of cataloged file `fileId`: description, every path holding the content, the path's
    /// versions, problems, tags and rating, and the backup state. Nil when there is no such row.
    package func galleryItem(fileId: Int64) throws -> GalleryItem? {
        try read { db in
            guard let file = try FileRecord.fetchOne(db, key: fileId) else { return nil }
            let library = try Self.libraryName(id: file.libraryId, db: db)
            let asset = try file.assetId.flatMap { try AssetRecord.fetchOne(db, key: $0) }
            let renditions = try file.assetId.map {
                try String.fetchAll(
                    db, sql: "SELECT name FROM renditions WHERE asset_id = ? ORDER BY width DESC, name", arguments: [$0])
            } ?? []
            let paths = try file.sha256.map { sha in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT f.id, l.name, f.path, f.state = 'present' FROM files f JOIN libraries l ON l.id = f.library_id
                        WHERE f.sha256 = ? ORDER BY l.name, f.path
                        """, arguments: [sha]
                ).map { GalleryPath(fileId: $0[0], library: $0[1], path: $0[2], present: $0[3]) }
            } ?? []
            let versions = try Row.fetchAll(
                db, sql: "SELECT kind, payload FROM outbox WHERE kind = 'history' AND target = ? ORDER BY id DESC",
                arguments: [CloudKeys.pathKey(library: library, path: file.path)]
            ).compactMap { row -> GalleryVersion? in
                guard let version = (try? OutboxWork.decode(kind: row["kind"], payload: row["payload"]))?.version
                else { return nil }
                return GalleryVersion(
                    sha256: version.sha256, size: version.size,
                    recordedAt: OutboxTime.format(Date(timeIntervalSince1970: Double(version.recordedNs) / 1e9)))
            }
            let problems = try ErrorRecord.filter(Column("library_id") == file.libraryId && Column("path") == file.path)
                .fetchAll(db).map { "\($0.code): \($0.message)" }
            return GalleryItem(
                fileId: fileId, library: library, path: file.path, present: file.state == .present, size: file.size,
                mtimeNs: file.mtimeNs, sha256: file.sha256, asset: asset, renditions: renditions, paths: paths,
                versions: versions, problems: problems,
                annotation: try file.sha256.map { try Self.annotation(sha256: $0, db: db) } ?? Annotation(),
                backup: try Self.backupState(file: file, db: db))
        }
    }

    /// The outbox rows of the file and of its content, summed up.
    private static func backupState(file: FileRecord, db: Database) throws -> BackupState {
        var state = BackupState()
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT kind, done_at IS NOT NULL AS done, parked_at IS NOT NULL AS parked, last_error FROM outbox
                WHERE file_id = ? OR (asset_id = ? AND kind IN ('master', 'rendition', 'event'))
                """, arguments: [file.id, file.assetId])
        {
            let kind: String = row["kind"]
            let lastError: String? = row["last_error"]
            if row["done"] as Bool {
                if kind == "master" && lastError != OutboxNote.superseded { state.masterInCloud = true }
                if kind == "rendition" { state.renditionsInCloud += 1 }
            } else if row["parked"] as Bool {
                state.parked += 1
                state.lastError = lastError
            } else {
                state.pending += 1
                if lastError != nil { state.lastError = lastError }
            }
        }
        return state
    }

    /// What downloading the original of cataloged file `fileId` needs: its absolute path (read only while the
    /// file is present), its content hash (to fetch the master from the cloud once it is gone locally), type and
    /// size; nil for no such row. The path comes from the catalog only, never from a URL.
    package func original(fileId: Int64) throws -> OriginalFile? {
        try read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT l.root || '/' || f.path AS path, f.state = 'present' AS present, f.sha256, a.mime, f.size,
                           EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 'master' AND o.target = f.sha256
                                   AND o.done_at IS NOT NULL AND o.last_error IS NOT ?) AS in_cloud
                    FROM files f JOIN libraries l ON l.id = f.library_id LEFT JOIN assets a ON a.id = f.asset_id
                    WHERE f.id = ?
                    """, arguments: [OutboxNote.superseded, fileId]
            ).map {
                OriginalFile(
                    path: $0["path"], present: $0["present"], sha256: $0["sha256"], mime: $0["mime"], size: $0["size"],
                    inCloud: $0["in_cloud"])
            }
        }
    }

    /// The renditions of content `sha256` (none when the catalog does not describe it), largest first.
    package func renditions(sha256: String) throws -> [RenditionRecord] {
        try read { db in
            try RenditionRecord.fetchAll(
                db,
                sql: """
                    SELECT r.* FROM renditions r JOIN assets a ON a.id = r.asset_id WHERE a.sha256 = ?
                    ORDER BY r.width * r.height DESC, r.name
                    """, arguments: [sha256])
        }
    }

    /// The size of each content in `sha256s` that the catalog describes (duplicates side by side).
    package func contentSizes(_ sha256s: [String]) throws -> [String: Int64] {
        try read { db in
            var sizes: [String: Int64] = [:]
            for chunk in stride(from: 0, to: sha256s.count, by: 500).map({ Array(sha256s[$0..<min($0 + 500, sha256s.count)]) }) {
                for row in try Row.fetchAll(
                    db, sql: "SELECT sha256, size FROM assets WHERE sha256 IN (\(chunk.map { _ in "?" }.joined(separator: ",")))",
                    arguments: StatementArguments(chunk))
                {
                    sizes[row[0]] = row[1]
                }
            }
            return sizes
        }
    }
}
