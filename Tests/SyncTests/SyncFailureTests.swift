import AzureStorage
import Catalog
import Foundation
import StorageEmulator
import Sync
import Testing

/// A service that cannot be reached: rows retry with back-off, are parked after the configured
/// attempts, show in status with their errors, and go through once the service is back.
@Suite("Sync failures")
struct SyncFailureTests {
    /// A client for a port that refuses connections (held by `refusing`, so no parallel test's server can take it).
    static func unreachableClient(_ refusing: RefusingPort) throws -> StorageClient {
        let base = "http://127.0.0.1:\(refusing.port)/devstoreaccount1"
        var client = StorageClientConfiguration()
        client.retry = .none
        return try StorageClient(
            connectionString: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
                + "BlobEndpoint=\(base);QueueEndpoint=\(base);TableEndpoint=\(base)",
            configuration: client, logger: SyncBed.quietLogger)
    }

    @Test func failuresRetryThenParkAndRecoverWhenTheServiceIsBack() async throws {
        try await SyncBed.with { bed in
            try bed.write("a.jpg", try SyncBed.jpeg(40))
            try bed.write("sub/b.jpg", try SyncBed.jpeg(41))
            try bed.scan()
            let refusing = try RefusingPort()
            let down = try Self.unreachableClient(refusing)
            let failing = bed.engine(storage: down) { $0.maxAttempts = 3 }
            let report = try await failing.drain()
            await down.shutdown()
            withExtendedLifetime(refusing) {}

            #expect(report.depth == 0)
            #expect(!report.parked.isEmpty)
            #expect(report.parked.allSatisfy { $0.attempts == 3 }, "\(report.parked)")
            #expect(report.parked.allSatisfy { $0.lastError?.contains("transport") == true }, "\(report.parked)")
            // A path's reference goes first (its master waits for it): that is what parks.
            #expect(report.parked.contains { $0.kind == "reference" && $0.path == "\(bed.library)/a.jpg" })
            #expect(report.waitingOnParked > 0)
            #expect(report.lastSuccess == nil)
            // Status from the catalog file, as a second process reads it.
            let fromFile = try OutboxStatus.read(catalogPath: bed.catalog.path, now: bed.clock.now())
            #expect(fromFile.parked.count == report.parked.count)

            let engine = bed.engine()
            #expect(try engine.retryParked() == report.parked.count)
            let recovered = try await engine.drain()
            #expect(recovered.parked.isEmpty && recovered.depth == 0, "\(recovered)")
            let sha = try bed.asset("a.jpg").sha256
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: sha) != nil)
            #expect(try await bed.storage.tables.queryAll("files").count == 2)
        }
    }

    @Test func aFileChangedButNotReadAgainIsRetriedThenParkedAndDoesNotBlockTheRest() async throws {
        try await SyncBed.with { bed in
            try bed.write("kept.jpg", try SyncBed.jpeg(50))
            try bed.write("lost.jpg", try SyncBed.jpeg(51))
            try bed.scan()
            // The file changes on disk and nothing re-ingests it: its recorded content has no copy left.
            try bed.write("lost.jpg", Array("overwritten".utf8))
            let report = try await bed.engine { $0.maxAttempts = 3 }.drain()
            let parked = try #require(report.parked.first)
            #expect(report.parked.count == 1)
            #expect(parked.kind == "master")
            #expect(parked.lastError?.contains("changed on disk since it was read") == true, "\(parked)")
            #expect(parked.attempts == 3)  // retried: a re-ingest was expected
            let kept = try bed.asset("kept.jpg").sha256
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: kept) != nil)
        }
    }

    /// Edited before its upload: the old bytes exist nowhere, so their row completes without an
    /// upload (nothing to park, nothing anyone could fix) and the new content is backed up.
    @Test func contentReplacedBeforeItsUploadIsSupersededNotParked() async throws {
        try await SyncBed.with { bed in
            try bed.write("edited.jpg", try SyncBed.jpeg(52))
            try bed.scan()
            let old = try bed.asset("edited.jpg").sha256
            try bed.write("edited.jpg", try SyncBed.jpeg(53))
            try bed.scan()
            let new = try bed.asset("edited.jpg").sha256
            #expect(old != new)
            let report = try await bed.engine().drain()
            #expect(report.parked.isEmpty && report.depth == 0, "\(report)")
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: old) == nil)
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: new) != nil)

            // The old content back on disk (an undo, a copy from elsewhere) is queued and uploaded anew.
            try bed.write("restored.jpg", try SyncBed.jpeg(52))
            try bed.scan()
            let again = try await bed.engine().drain()
            #expect(again.parked.isEmpty && again.depth == 0, "\(again)")
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: old) != nil)
        }
    }

    @Test func aLongRunningEngineStopsWhenCancelled() async throws {
        try await SyncBed.with { bed in
            try bed.write("loop.jpg", try SyncBed.jpeg(60))
            try bed.scan()
            let engine = bed.engine()
            let loop = Task { try await engine.run() }
            engine.notify()
            // drain works alongside the loop (rows in flight are never taken twice).
            let report = try await engine.drain()
            loop.cancel()
            try await loop.value
            #expect(report.depth == 0 && report.parked.isEmpty, "\(report)")
        }
    }
}
