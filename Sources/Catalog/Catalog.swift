import Foundation
import GRDB

/// The local catalog: one SQLite file in WAL mode (readers never block the writer), migrated on open.
/// All writes of one fact (a file, its asset, previews, search entry, errors) happen in one transaction.
package final class Catalog: Sendable {
    /// The pool (one read-only connection for `init(readingAt:)`); exposed for tests.
    package let database: any DatabaseWriter
    /// Where the database lives.
    package let path: String

    /// Opens (creating and migrating as needed) the catalog at `path`.
    package init(path: String) throws {
        self.path = path
        var configuration = Self.configuration
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")  // WAL + NORMAL: durable at checkpoints, fast commits
        }
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            // One process at a time, from the pool's open (which switches a new file to WAL) through the
            // migrations: two first opens must not both apply a migration, and eight opening a new catalog at once
            // saw "database is locked" from the WAL switch itself (a full run beside a release build caught it).
            self.database = try MigrationLock.holding(catalog: path) {
                let database = try DatabasePool(path: path, configuration: configuration)
                try CatalogMigrations.migrator.migrate(database)
                return database
            }
        } catch {
            throw CatalogError(.database, path, detail: "\(error)")
        }
    }

    /// Opens the catalog at `path` for reading only (`ironviper search`): one read-only connection, no migration
    /// lock, no writer connection, nothing written. A catalog that does not exist yet or whose schema is older
    /// than this program is opened as `init(path:)` does, migrations and all. The writer's open, the lock and the
    /// migrator's look were the part of a search's start that the catalog owns (see benchmarks/README.md).
    package convenience init(readingAt path: String) throws {
        var configuration = Self.configuration
        configuration.readonly = true
        configuration.prepareDatabase { db in
            // A search reads through a memory map instead of a pread(2) and a copy per page: its facet pass reads
            // the whole files-and-assets index (the gallery's `sunset camera:canon` over 100k files took 19 ms
            // instead of 23 when its pool mapped the file). Only here, in a process that lives for one question:
            // in the daemon every pooled connection maps the file anew and the pages its work touched counted in
            // its resident size several times over (peak RSS backing up 100,000 files 131 -> 355 MB,
            // `benchmarks/daemon`), though the kernel's page cache holds them either way.
            try db.execute(sql: "PRAGMA mmap_size = 268435456")
        }
        let reader: DatabaseQueue
        do {
            guard FileManager.default.fileExists(atPath: path) else { throw CatalogError(.notFound, path) }
            reader = try DatabaseQueue(path: path, configuration: configuration)
            guard try reader.read({ try CatalogMigrations.migrator.hasCompletedMigrations($0) }) else {
                throw CatalogError(.database, path, detail: "not migrated")
            }
        } catch {
            try self.init(path: path)
            return
        }
        self.init(path: path, database: reader)
    }

    private init(path: String, database: any DatabaseWriter) {
        self.path = path
        self.database = database
    }

    private static var configuration: Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        return configuration
    }

    /// Hands back what SQLite and GRDB keep between uses (page caches, compiled statements, the schema) and closes
    /// the idle read connections, which reopen when next needed: the daemon calls it once idle after work, before
    /// trimming the heap. Waits for reads under way.
    package func releaseMemory() {
        if let pool = database as? DatabasePool {
            pool.releaseMemory()
        } else if let queue = database as? DatabaseQueue {
            queue.releaseMemory()
        }
    }

    /// Names of the migrations applied, oldest first.
    package func appliedMigrations() throws -> [String] {
        try read { db in try CatalogMigrations.migrator.appliedMigrations(db) }
    }

    /// Runs a read, mapping GRDB's errors (which carry the SQL) to `CatalogError`.
    package func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        do { return try database.read(body) } catch let error as CatalogError { throw error } catch {
            throw CatalogError(.database, path, detail: "\(error)")
        }
    }

    /// Runs `body`, which runs one statement, without the transaction `read` opens around it: SQLite gives a
    /// single statement a consistent snapshot of its own, and GRDB's BEGIN and COMMIT are two statements more,
    /// prepared anew each time. For the questions asked once per file while syncing: 4 of the 6 statements a
    /// file's reads cost were BEGIN and COMMIT (benchmarks/daemon/small-files.sh).
    package func readOneStatement<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        do { return try database.unsafeRead(body) } catch let error as CatalogError { throw error } catch {
            throw CatalogError(.database, path, detail: "\(error)")
        }
    }

    /// Runs a write transaction, mapping errors like `read`.
    package func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) throws -> T {
        do { return try database.write(body) } catch let error as CatalogError { throw error } catch {
            throw CatalogError(.database, path, detail: "\(error)")
        }
    }

    // MARK: libraries

    /// The library rooted at `root` (an absolute path), created on first use with a unique name.
    package func library(root: String) throws -> LibraryRecord {
        try write { db in
            if let existing = try LibraryRecord.filter(Column("root") == root).fetchOne(db) { return existing }
            let base = (root as NSString).lastPathComponent.isEmpty ? "root" : (root as NSString).lastPathComponent
            var name = base
            var suffix = 2
            while try LibraryRecord.filter(Column("name") == name).fetchCount(db) > 0 {
                name = "\(base)-\(suffix)"
                suffix += 1
            }
            var record = LibraryRecord(id: nil, name: name, root: root, createdAt: Timestamp.now())
            try record.insert(db)
            try OutboxWriter.librarySeen(record, db: db)
            return record
        }
    }

    /// Every library.
    package func libraries() throws -> [LibraryRecord] {
        try read { db in try LibraryRecord.order(Column("name")).fetchAll(db) }
    }

    // MARK: files and assets

    /// The files of a library by relative path, for comparing with a walk of the folder.
    package func files(libraryId: Int64) throws -> [String: FileRecord] {
        try read { db in
            let rows = try FileRecord.filter(Column("library_id") == libraryId).fetchAll(db)
            return Dictionary(rows.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Whether an asset with this content hash exists (the ingest's question for every file: the row itself, with
    /// its metadata JSON, is not decoded).
    package func hasAsset(sha256: String) throws -> Bool {
        try readOneStatement { db in
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM assets WHERE sha256 = ?)"), arguments: [sha256])
                ?? false
        }
    }

    /// The asset with this content hash, if already described.
    package func asset(sha256: String) throws -> AssetRecord? {
        try readOneStatement { db in
            try AssetRecord.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM assets WHERE sha256 = ?"), arguments: [sha256])
        }
    }

    /// Records what ingesting one file found, in one transaction: the file row, the asset (new
    /// content only) with its previews, the search entry, and errors (old ones for the path cleared).
    /// Returns the stored file row and whether this call created the asset.
    @discardableResult
    package func record(_ ingest: IngestRecord) throws -> (file: FileRecord, newAsset: Bool) {
        try write { db in try Self.record(ingest, db: db) }
    }

    /// Records many ingests in one transaction (a scan's small files, bulk imports), each as `record` does;
    /// returns what `record` would have, in order.
    @discardableResult
    package func recordAll(_ ingests: [IngestRecord]) throws -> [(file: FileRecord, newAsset: Bool)] {
        try write { db in try ingests.map { try Self.record($0, db: db) } }
    }

    /// The body of `record`, inside the caller's transaction (a move records its new path with it).
    static func record(_ ingest: IngestRecord, db: Database) throws -> (file: FileRecord, newAsset: Bool) {
        var assetId: Int64?
        var newAsset = false
        // The id alone: decoding the whole asset (its metadata JSON) was a tenth of a move's cost, and a twentieth
        // of a small file's backup.
        let idBySHA = try db.cachedStatement(sql: "SELECT id FROM assets WHERE sha256 = ?")
        if var asset = ingest.asset {
            if let existing = try Int64.fetchOne(idBySHA, arguments: [asset.sha256]) {
                assetId = existing
            } else {
                try asset.insert(db)
                assetId = asset.id
                newAsset = true
                for var rendition in ingest.renditions {
                    rendition.assetId = asset.id!
                    try rendition.insert(db)
                }
            }
        } else if let sha = ingest.file.sha256 {
            assetId = try Int64.fetchOne(idBySHA, arguments: [sha])
        }
        var file = ingest.file
        file.assetId = assetId
        let existing = try FileRecord.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM files WHERE library_id = ? AND path = ?"),
            arguments: [file.libraryId, file.path])
        if let existing {
            file.id = existing.id
            file.firstSeen = existing.firstSeen
            try file.update(db)
        } else {
            try file.insert(db)
        }
        try OutboxWriter.fileRecorded(previous: existing, file: file, describing: ingest.describing, db: db)
        try db.cachedStatement(sql: "DELETE FROM errors WHERE library_id = ? AND path = ?")
            .execute(arguments: [file.libraryId, file.path])
        for var error in ingest.errors {
            error.libraryId = file.libraryId
            error.path = file.path
            try error.insert(db)
        }
        try SearchIndex.update(fileId: file.id!, path: file.path, db: db)
        return (file, newAsset)
    }

    /// Marks files no longer on disk as missing (their assets and previews stay) and queues the delete
    /// the sync applies with its policy.
    package func markMissing(libraryId: Int64, paths: [String]) throws {
        guard !paths.isEmpty else { return }
        try write { db in
            for path in paths {
                guard
                    var file = try FileRecord.filter(
                        Column("library_id") == libraryId && Column("path") == path && Column("state") == FileState.present
                    ).fetchOne(db)
                else { continue }
                try Self.vanish(&file, db: db)
            }
        }
    }

    /// Marks one present file row missing, drops its problems and queues its delete, inside the
    /// caller's transaction (a move vanishes its old path with it).
    static func vanish(_ file: inout FileRecord, db: Database) throws {
        file.state = .missing
        try file.update(db)
        try db.cachedStatement(sql: "DELETE FROM errors WHERE library_id = ? AND path = ?")
            .execute(arguments: [file.libraryId, file.path])
        try OutboxWriter.fileVanished(file: file, db: db)  // same transaction as the fact
    }

    /// Touches `last_seen` of unchanged files in one transaction (queuing the cloud update of those
    /// that were missing).
    package func markSeen(fileIds: [Int64], at time: String) throws {
        guard !fileIds.isEmpty else { return }
        try write { db in
            for id in fileIds {
                let previous = try FileRecord.fetchOne(db, key: id)
                try db.cachedStatement(sql: "UPDATE files SET last_seen = ?, state = 'present' WHERE id = ?")
                    .execute(arguments: [time, id])
                // A file back on disk unchanged (moved away and back) must be undeleted in the cloud too.
                if var file = previous, file.state != .present {
                    file.state = .present
                    try OutboxWriter.fileRecorded(previous: previous, file: file, db: db)
                }
            }
        }
    }

    /// Counts of what the catalog holds, for summaries.
    package func counts() throws -> (files: Int, assets: Int, renditions: Int, errors: Int) {
        try read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM files WHERE state = 'present'") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM assets") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM renditions") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM errors") ?? 0
            )
        }
    }
}

/// What one ingest writes: the file row, and for new content its asset and previews; errors found.
package struct IngestRecord: Sendable {
    /// The file as seen on disk.
    package var file: FileRecord
    /// The content's description, when this ingest analysed it.
    package var asset: AssetRecord?
    /// The previews written for a new asset (asset id filled on insert).
    package var renditions: [RenditionRecord]
    /// Failures and damage to record against the path.
    package var errors: [ErrorRecord]
    /// The asset is a placeholder whose description (metadata, previews) follows in `describe`: its
    /// master is queued now, and no extract event is (its previews are on their way).
    package var describing: Bool

    /// Makes a record.
    package init(
        file: FileRecord, asset: AssetRecord?, renditions: [RenditionRecord], errors: [ErrorRecord],
        describing: Bool = false
    ) {
        self.file = file
        self.asset = asset
        self.renditions = renditions
        self.errors = errors
        self.describing = describing
    }
}

/// ISO 8601 UTC timestamps, the catalog's one time format.
package enum Timestamp {
    /// Now, to the second (`2026-11-25T14:55:39Z`, what `ISO8601DateFormatter` writes). Formatted by
    /// hand: a formatter made per call cost more than the rest of a catalog move's row.
    package static func now() -> String {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
