import AzureStorage
import Catalog
import Foundation
import Sync
import Testing

/// `ironviper verify` below the CLI: clean after a sync, every finding kind produced by damaging the
/// emulator's copy, and `--repair` plus a sync making it clean again without deleting a master that
/// some version still references.
@Suite("Verify")
struct VerifyTests {
    static func verify(_ bed: SyncBed, _ adjust: (inout VerifyOptions) -> Void = { _ in }) async throws -> VerifyReport
    {
        var options = VerifyOptions()
        options.scratch = bed.folder
        adjust(&options)
        return try await Verifier(catalog: bed.catalog, storage: bed.storage, device: bed.device, options: options).run()
    }

    @Test func aSyncedLibraryIsClean() async throws {
        try await SyncBed.with { bed in
            try await RestoreTests.synced(bed)
            let report = try await Self.verify(bed) { $0.deep = true }
            #expect(report.isClean, "\(report.findings)")
            #expect(report.pending.isEmpty)
            #expect(report.mastersChecked == 4 && report.mastersHashed == 4)
            #expect(report.rowsChecked == RestoreTests.corpus.count)
            #expect(report.renditionsChecked == (try bed.renditionBlobs()))
        }
    }

    @Test func workStillQueuedIsPendingNotAFinding() async throws {
        try await SyncBed.with { bed in
            try bed.write("new.jpg", try SyncBed.jpeg(9))
            try bed.scan()
            let report = try await Self.verify(bed)
            #expect(report.isClean, "\(report.findings)")
            #expect(report.pending.contains { $0.kind == .masterMissing })
            #expect(report.pending.contains { $0.kind == .rowMissing && $0.subject == bed.library + "/new.jpg" })
        }
    }

    @Test func everyKindOfDamageIsFoundAndRepaired() async throws {
        try await SyncBed.with { bed in
            try await RestoreTests.synced(bed)
            // A file deleted locally (keep policy): its master stays and is referenced by the catalog.
            try bed.write("gone.jpg", try SyncBed.jpeg(60))
            try bed.scan()
            try await bed.engine().drain()
            let gone = try bed.asset("gone.jpg").sha256
            try FileManager.default.removeItem(atPath: bed.photos + "/gone.jpg")
            try bed.scan()
            try await bed.engine().drain()

            let a = try bed.asset("2024/trip/a.jpg").sha256
            let b = try bed.asset("2024/trip/b.jpg").sha256
            let u = try bed.asset("2023/x/ü y.jpg").sha256
            #expect(try await bed.storage.blobs.delete(container: "file-store", name: a))
            #expect(try await bed.storage.blobs.delete(container: "pv-store", name: "\(b)/sq100.jpg"))
            try await bed.storage.blobs.putBlob(container: "file-store", name: u, bytes: Array("damaged".utf8))
            try await bed.storage.tables.delete(
                partitionKey: bed.filesPartition, rowKey: CloudKeys.fileRowKey(path: "2024/trip/b.jpg"), from: "files")
            var stale = try #require(
                try await bed.storage.tables.get(
                    partitionKey: bed.filesPartition, rowKey: CloudKeys.fileRowKey(path: "2023/x/ü y.jpg"), from: "files"))
            stale["size"] = .int64(1)
            try await bed.storage.tables.upsert(stale, in: "files")
            let orphan = String(repeating: "ab", count: 32)
            try await bed.storage.blobs.putBlob(container: "file-store", name: orphan, bytes: Array("stray".utf8))
            try await bed.storage.blobs.putBlob(container: "pv-store", name: "\(orphan)/400.jpg", bytes: [1, 2, 3])
            // Content only another machine's history knows: referenced, never an orphan.
            let elsewhere = String(repeating: "cd", count: 32)
            try await bed.storage.blobs.putBlob(container: "file-store", name: elsewhere, bytes: Array("theirs".utf8))
            var version = TableEntity(partitionKey: "Other%2Fx.jpg", rowKey: CloudKeys.invertedTicks(nanoseconds: 1))
            version["sha256"] = .string(elsewhere)
            try await bed.storage.tables.upsert(version, in: "history")

            let report = try await Self.verify(bed)
            let found = Dictionary(grouping: report.findings, by: \.kind).mapValues { $0.map(\.subject) }
            #expect(found[.masterMissing] == [a])
            #expect(found[.masterDamaged] == [u])
            #expect(found[.renditionMissing] == ["\(b)/sq100.jpg"])
            #expect(found[.rowMissing] == [bed.library + "/2024/trip/b.jpg"])
            #expect(found[.rowStale] == [bed.library + "/2023/x/ü y.jpg"])
            #expect(found[.orphanMaster] == [orphan])
            #expect(found[.orphanRendition] == ["\(orphan)/400.jpg"])
            #expect(report.findings.count == 7, "\(report.findings)")
            #expect(report.counts[.masterCorrupt] == 0)

            let repaired = try await Self.verify(bed) { $0.repair = true }
            #expect(repaired.findings.allSatisfy { $0.repair != nil }, "\(repaired.findings)")
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: orphan) == nil)
            let synced = try await bed.engine().drain()
            #expect(synced.depth == 0 && synced.parked.isEmpty, "\(synced)")

            let after = try await Self.verify(bed) { $0.deep = true }
            #expect(after.isClean, "\(after.findings)")
            #expect(after.pending.isEmpty)
            for sha in [a, u, gone, elsewhere] {
                #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: sha) != nil)
            }
            #expect(
                try await bed.storage.blobs.propertiesIfExists(container: "pv-store", name: "\(b)/sq100.jpg") != nil)
        }
    }
}
