import AzureStorage
import Catalog
import Foundation
import GRDB
import Sync
import Testing

/// A catalog made before the outbox was filled (v1 only) gets its cloud work queued by the v2 migration.
@Suite("Sync backfill")
struct SyncBackfillTests {
    @Test func aV1CatalogIsBackfilledOnOpenAndSynced() async throws {
        try await SyncBed.with { bed in
            try bed.write("old/one.jpg", try SyncBed.jpeg(70))
            try bed.write("old/two.jpg", try SyncBed.jpeg(70))
            try bed.scan()
            // Back to a v1 catalog: no outbox rows, no v2 column or indexes, no v3, v4, v5 or v6 tables, v1's index
            // of pending rows (not v7's), none of them applied.
            try bed.catalog.write { db in
                try db.execute(
                    sql: """
                        DELETE FROM outbox;
                        DROP INDEX outbox_target; DROP INDEX outbox_asset;
                        ALTER TABLE outbox DROP COLUMN parked_at;
                        DELETE FROM grdb_migrations WHERE identifier LIKE 'v2%';
                        DROP TABLE settings; DELETE FROM grdb_migrations WHERE identifier LIKE 'v3%';
                        DROP TABLE cloud_requests; DELETE FROM grdb_migrations WHERE identifier LIKE 'v4%';
                        DROP TABLE tags; DROP TABLE ratings; DELETE FROM grdb_migrations WHERE identifier LIKE 'v5%';
                        DROP TABLE master_protection; DELETE FROM grdb_migrations WHERE identifier LIKE 'v6%';
                        DROP INDEX outbox_due; CREATE INDEX outbox_pending ON outbox(done_at, not_before);
                        DELETE FROM grdb_migrations WHERE identifier LIKE 'v7%';
                        """)
            }
            let reopened = try Catalog(path: bed.catalog.path)
            #expect(try reopened.appliedMigrations().count == 7)  // v1 … v7
            let kinds = try reopened.read { db in
                try String.fetchAll(db, sql: "SELECT kind FROM outbox ORDER BY kind")
            }
            #expect(kinds.filter { $0 == "master" }.count == 1)  // two paths, one content
            #expect(kinds.filter { $0 == "entity" }.count == 2)
            #expect(kinds.filter { $0 == "folder" }.count == 1)
            let engine = SyncEngine(
                catalog: reopened, storage: bed.storage, options: bed.options(), logger: SyncBed.quietLogger)
            let report = try await engine.drain()
            #expect(report.depth == 0 && report.parked.isEmpty, "\(report)")
            let sha = try bed.asset("old/one.jpg").sha256
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: sha) != nil)
            #expect(try await bed.storage.tables.queryAll("files").count == 2)
        }
    }
}
