import Foundation
import GRDB

/// What a path's `files` entity is made from: the catalog's current facts of one file row.
package struct FileFacts: Sendable {
    package var file: FileRecord
    package var library: String
    /// Its content's description, when the content is cataloged.
    package var asset: AssetRecord?
    /// Its renditions, largest first.
    package var renditions: [RenditionRecord]
    /// When its latest delete was recorded (nanoseconds since 1970), for a path gone from disk.
    package var deletedNs: Int64?
    /// The tags and rating set in the gallery for its content.
    package var annotation = Annotation()
}

/// What still references a content, asked before its blobs are purged.
package struct ContentReferences: Sendable, Equatable {
    /// A present file holds it.
    package var presentFile: Bool
    /// A version of another path held it (its history row points at the master).
    package var otherVersion: Bool
    /// Its master upload is still queued (it would bring the blob back after a purge).
    package var uploadQueued: Bool

    /// Referenced by something that must keep it.
    package var referenced: Bool { presentFile || otherVersion }
}

/// A present file holding some content, as cataloged (size and mtime say whether it changed since).
package struct CatalogedCopy: Sendable, Equatable {
    /// Absolute path.
    package var path: String
    package var mtimeNs: Int64
}

/// What a master's upload needs of its content: no more of the asset than this (decoding a whole `AssetRecord`
/// for each small file was a tenth of the sync's catalog time).
package struct MasterFacts: Sendable, Equatable {
    /// Bytes.
    package var size: Int64
    /// MD5, hex (the blob's Content-MD5).
    package var md5: String
    /// The blob's Content-Type.
    package var mime: String
}

/// The questions the sync workers ask of the catalog, answered here so that SQL stays in this target.
extension Catalog {
    /// The state of file row `id`; nil when the row is gone.
    package func fileState(id: Int64) throws -> FileState? {
        try readOneStatement { db in
            try FileState.fetchOne(db.cachedStatement(sql: "SELECT state FROM files WHERE id = ?"), arguments: [id])
        }
    }

    /// Size, MD5 and type of `sha256`; nil when no asset holds it.
    package func masterFacts(sha256: String) throws -> MasterFacts? {
        try readOneStatement { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT size, md5, mime FROM assets WHERE sha256 = ?"), arguments: [sha256]
            ).map { row in MasterFacts(size: row[0], md5: row[1], mime: row[2]) }
        }
    }

    /// Present files holding `sha256`, `fileId` first, then oldest first.
    package func presentCopies(sha256: String, preferring fileId: Int64?) throws -> [CatalogedCopy] {
        try readOneStatement { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT libraries.root AS root, files.path AS path, files.mtime_ns AS mtime FROM files
                        JOIN libraries ON libraries.id = files.library_id
                        WHERE files.sha256 = ? AND files.state = 'present'
                        ORDER BY files.id = ? DESC, files.id
                        """),
                arguments: [sha256, fileId]
            ).map { row in
                CatalogedCopy(path: (row["root"] as String) + "/" + (row["path"] as String), mtimeNs: row["mtime"])
            }
        }
    }

    /// Whether the path `library`/`path` is present on disk holding `sha256`.
    package func holds(library: String, path: String, sha256: String) throws -> Bool {
        try readOneStatement { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM files JOIN libraries ON libraries.id = files.library_id
                                   WHERE libraries.name = ? AND files.path = ? AND files.sha256 = ?
                                   AND files.state = 'present')
                    """,
                arguments: [library, path, sha256]) ?? false
        }
    }

    /// Whether this catalog has `sha256` in the cloud or on its way there: a present file holds it (its
    /// upload is queued or done), or its master upload finished.
    package func keepsInCloud(sha256: String) throws -> Bool {
        try readOneStatement { db in
            try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM files WHERE sha256 = ? AND state = 'present')
                            OR EXISTS (SELECT 1 FROM outbox WHERE kind = 'master' AND target = ? AND done_at IS NOT NULL
                                       AND last_error IS NOT ?)
                        """),
                arguments: [sha256, sha256, OutboxNote.superseded]) ?? false
        }
    }

    /// What references `sha256` besides `version` (the deleted version whose purge asks).
    package func references(of sha256: String, besides version: PathVersion) throws -> ContentReferences {
        try read { db in
            let present =
                try Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM files WHERE sha256 = ? AND state = 'present')",
                    arguments: [sha256]) ?? false
            let otherVersion =
                try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM outbox WHERE kind = 'history' AND json_extract(payload, '$.sha256') = ?
                            AND NOT (json_extract(payload, '$.library') IS ? AND json_extract(payload, '$.path') IS ?))
                        """,
                    arguments: [sha256, version.library, version.path]) ?? false
            let uploading = try OutboxWriter.isPending(.master, target: sha256, db: db)
            return ContentReferences(presentFile: present, otherVersion: otherVersion, uploadQueued: uploading)
        }
    }

    /// The facts of file row `fileId` its `files` entity is written from; nil when the row is gone.
    package func fileFacts(fileId: Int64) throws -> FileFacts? {
        try read { db in try Self.fileFacts(fileId: fileId, db: db) }
    }

    /// The facts of many files in one read (the `files` rows of a `$batch`), by file id; a file gone with its
    /// library is absent.
    package func fileFacts(fileIds: [Int64]) throws -> [Int64: FileFacts] {
        try read { db in
            var facts: [Int64: FileFacts] = [:]
            for id in fileIds { facts[id] = try Self.fileFacts(fileId: id, db: db) }
            return facts
        }
    }

    static func fileFacts(fileId: Int64, db: Database) throws -> FileFacts? {
        let byId = try db.cachedStatement(sql: "SELECT * FROM files WHERE id = ?")
        guard let file = try FileRecord.fetchOne(byId, arguments: [fileId]) else { return nil }
        var facts = FileFacts(
            file: file, library: try Self.libraryName(id: file.libraryId, db: db), asset: nil, renditions: [])
        if file.state != .present,
            let payload = try Row.fetchOne(
                db.cachedStatement(
                    sql:
                        "SELECT kind, payload FROM outbox WHERE kind = 'delete' AND file_id = ? ORDER BY id DESC LIMIT 1"),
                arguments: [fileId])
        {
            facts.deletedNs =
                (try? OutboxWork.decode(kind: payload["kind"], payload: payload["payload"]))?
                .version?.recordedNs
        }
        if let sha = file.sha256 { facts.annotation = try Self.annotation(sha256: sha, db: db) }
        if let assetId = file.assetId,
            let asset = try AssetRecord.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM assets WHERE id = ?"), arguments: [assetId])
        {
            facts.asset = asset
            facts.renditions = try RenditionRecord.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM renditions WHERE asset_id = ? ORDER BY width DESC, name"),
                arguments: [assetId])
        }
        return facts
    }

    /// The name of library `id` ("" when it is gone).
    static func libraryName(id: Int64, db: Database) throws -> String {
        try String.fetchOne(db.cachedStatement(sql: "SELECT name FROM libraries WHERE id = ?"), arguments: [id]) ?? ""
    }
}
