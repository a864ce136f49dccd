import Catalog
import Ingest
import Foundation
import GRDB
import Testing

@Suite("Migrations")
struct MigrationTests {
    @Test func fromAnEmptyDatabase() throws {
        let scratch = try ScratchCatalog()
        let catalog = scratch.catalog
        // v1 schema, v2 outbox parking, v3 settings (device), v4 cloud requests per day, v5 tags and ratings,
        // v6 masters' immutability protection, v7 pending outbox rows in id order
        #expect(try catalog.appliedMigrations().count == 7)
        let tables = try catalog.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name")
        }
        for table in [
            "libraries", "files", "assets", "renditions", "outbox", "errors", "search", "cloud_requests", "master_protection",
        ] {
            #expect(tables.contains(table), "missing table \(table): \(tables)")
        }
        let journal = try catalog.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        #expect(try catalog.read { db in try OutboxRecord.fetchCount(db) } == 0)
        #expect(try catalog.counts().files == 0)
    }

    /// The idle daemon releases the catalog's caches and read connections; the next read and write open again
    /// and see everything written before.
    @Test func releasingMemoryKeepsTheCatalogWorking() throws {
        let scratch = try ScratchCatalog()
        let first = try scratch.catalog.library(root: "/photos")
        #expect(try scratch.catalog.libraries() == [first])
        scratch.catalog.releaseMemory()
        #expect(try scratch.catalog.libraries() == [first])
        let second = try scratch.catalog.library(root: "/more")
        scratch.catalog.releaseMemory()
        #expect(try scratch.catalog.libraries().map(\.root).sorted() == ["/more", "/photos"])
        #expect(second.id != first.id)
    }

    @Test func reopeningKeepsDataAndMigratesNothingTwice() throws {
        let scratch = try ScratchCatalog()
        let library = try scratch.catalog.library(root: "/photos")
        let again = try Catalog(path: scratch.catalog.path)
        #expect(try again.appliedMigrations() == scratch.catalog.appliedMigrations())
        #expect(try again.libraries() == [library])
    }

    /// `ironviper search`'s open: a current catalog is read through one read-only connection (a write is refused,
    /// the migration lock is not taken); a catalog that does not exist yet is created and migrated as usual.
    @Test func readingOpenIsReadOnlyWhenCurrentAndMigratesWhenNew() throws {
        let scratch = try ScratchCatalog()
        let library = try scratch.catalog.library(root: "/photos")
        let lock = scratch.catalog.path + ".migrating"
        try FileManager.default.removeItem(atPath: lock)
        let reader = try Catalog(readingAt: scratch.catalog.path)
        #expect(try reader.libraries() == [library])
        #expect(reader.database is DatabaseQueue)  // one connection, opened with SQLITE_OPEN_READONLY
        #expect(throws: CatalogError.self) { try reader.library(root: "/elsewhere") }
        #expect(!FileManager.default.fileExists(atPath: lock))
        let fresh = scratch.folder + "/new/catalog.sqlite"
        let created = try Catalog(readingAt: fresh)
        #expect(try created.appliedMigrations() == scratch.catalog.appliedMigrations())  // every one, as a daemon's
        #expect(try created.library(root: "/photos").name == "photos")
    }

    @Test func librariesGetUniqueNames() throws {
        let scratch = try ScratchCatalog()
        let a = try scratch.catalog.library(root: "/home/ann/Pictures")
        let b = try scratch.catalog.library(root: "/home/bob/Pictures")
        let again = try scratch.catalog.library(root: "/home/ann/Pictures")
        #expect(a.name == "Pictures")
        #expect(b.name == "Pictures-2")
        #expect(again == a)
    }

    /// WAL: a reader opened before a write keeps working while the writer commits.
    @Test func readersDoNotBlockTheWriter() throws {
        let scratch = try ScratchCatalog()
        let library = try scratch.catalog.library(root: "/photos")
        try scratch.catalog.database.read { db in
            let before = try Int.fetchOne(db, sql: "SELECT count(*) FROM libraries")
            // A write from another connection while this read transaction is open.
            _ = try scratch.catalog.library(root: "/more")
            let during = try Int.fetchOne(db, sql: "SELECT count(*) FROM libraries")
            #expect(before == during)  // snapshot isolation, no SQLITE_BUSY
        }
        #expect(try scratch.catalog.libraries().count == 2)
        #expect(library.id != nil)
    }
}
