import AzureStorage
import Catalog
import Foundation
import GRDB
import StorageEmulator
import Sync
import Testing

/// `files` rows due together are written as Entity Group Transactions, one per partition, instead of a
/// request each; a batch the service refuses is run row by row, so one bad row is retried and parked on
/// its own and never holds up the rest.
@Suite("Entity batches")
struct EntityBatchTests {
    /// Writes `count` small documents (no previews: only masters and rows) in two folders and scans them.
    static func documents(_ bed: SyncBed, count: Int) throws {
        for index in 0..<count {
            try bed.write("docs-\(index % 2)/note-\(index).txt", Array("note \(index)\n".utf8))
        }
        try bed.scan()
    }

    @Test func filesRowsDueTogetherAreWrittenAsOneBatch() async throws {
        try await SyncBed.with { bed in
            try Self.documents(bed, count: 30)
            let (client, ledger) = try RequestCountTests.countingClient(bed, into: bed.catalog)
            let report = try await bed.engine(storage: client).drain()
            ledger.flush()
            #expect(report.parked.isEmpty, "\(report.parked)")
            let files = try await bed.storage.tables.queryAll(CloudKeys.filesTable)
            #expect(files.count == 30)
            #expect(Set(files.compactMap { $0["path"]?.string }).count == 30)
            // Every row carries the catalog's facts, as a row written alone would.
            #expect(files.allSatisfy { $0["sha256"]?.string?.count == 64 && $0["deleted"]?.bool == false })
            let operations = try RequestCountTests.operations(bed.catalog)
            // One library, one partition: all 30 rows in one batch (its capacity is 100).
            #expect(operations["EntityGroupTransaction"] == 1, "\(operations)")
            // The single writes are the other tables' rows (history and refs per path, folders, the library).
            let history = try await bed.storage.tables.queryAll(CloudKeys.historyTable).count
            let references = try await bed.storage.tables.queryAll(CloudKeys.referencesTable).count
            let folders = try await bed.storage.tables.queryAll(CloudKeys.foldersTable).count
            let devices = try await bed.storage.tables.queryAll(CloudKeys.devicesTable).count
            #expect(operations["InsertOrReplaceEntity", default: 0] == history + references + folders + devices,
                    "\(operations)")
            await client.shutdown()
        }
    }

    @Test func aRowTheServiceRefusesFailsAloneAndTheRestOfItsBatchIsWritten() async throws {
        try await SyncBed.with { bed in
            try Self.documents(bed, count: 12)
            // A tag longer than a Table property may be (64 KiB): put straight into the catalog, as no command
            // would, to make one `files` row the service refuses.
            let victim = try #require(try bed.catalog.read { db in
                try FileRecord.filter(Column("path") == "docs-1/note-5.txt").fetchOne(db)
            })
            try bed.catalog.write { db in
                try db.execute(
                    sql: "INSERT INTO tags (sha256, tag, added_at) VALUES (?, ?, '2026-01-01')",
                    arguments: [victim.sha256, String(repeating: "t", count: 40_000)])
            }
            let (client, ledger) = try RequestCountTests.countingClient(bed, into: bed.catalog)
            let report = try await bed.engine(storage: client) { $0.maxAttempts = 2 }.drain()
            ledger.flush()
            #expect(report.parked.map(\.kind) == ["entity"], "\(report.parked)")
            #expect(report.parked.first?.lastError?.contains("PropertyValueTooLarge") == true, "\(report.parked)")
            let paths = Set(try await bed.storage.tables.queryAll(CloudKeys.filesTable).compactMap { $0["path"]?.string })
            #expect(paths.count == 11)
            #expect(!paths.contains("docs-1/note-5.txt"))
            let operations = try RequestCountTests.operations(bed.catalog)
            #expect(operations["EntityGroupTransaction", default: 0] >= 1, "\(operations)")
            await client.shutdown()
        }
    }

    /// A batch the service fails to answer (503 here) is not run row by row: every row fails at once and backs off,
    /// so a service that is down never has a hundred rows retried one after another.
    @Test func aBatchTheServiceFailsFailsEveryRowWithoutRunningThemAlone() async throws {
        try await SyncBed.with { bed in
            try Self.documents(bed, count: 12)
            bed.emulator.faults.replace(
                with: FaultPlan(rules: [
                    FaultRule(
                        service: .table, method: "POST", path: "/*/$batch", rate: 1, kinds: [.serverBusy],
                        retryAfterSeconds: 0)
                ]))
            let report = try await bed.engine { $0.maxAttempts = 2 }.drain()
            #expect(report.parked.count == 12, "\(report.parked)")
            #expect(report.parked.allSatisfy { $0.kind == "entity" && $0.lastError?.contains("503") == true })
            // Alone, each row's single write would have succeeded: none was sent.
            #expect(try await bed.storage.tables.queryAll(CloudKeys.filesTable).isEmpty)
            #expect(try await bed.storage.tables.queryAll(CloudKeys.historyTable).count == 12)

            // The service back: the parked rows go again, as a batch.
            bed.emulator.faults.clear()
            let engine = bed.engine()
            try engine.retryParked()
            #expect(try await engine.drain().parked.isEmpty)
            #expect(try await bed.storage.tables.queryAll(CloudKeys.filesTable).count == 12)
        }
    }
}
