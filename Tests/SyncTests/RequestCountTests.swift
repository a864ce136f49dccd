import AzureStorage
import Catalog
import Foundation
import Sync
import Synchronization
import Testing

/// What the outbox costs in requests, counted by the client into the catalog (`RequestLedger`): a new photo's
/// blobs are Put without a Get Properties first; only a duplicate pays for a look, after its 409.
@Suite("Request counts")
struct RequestCountTests {
    /// A client on the bed's emulator whose every answered request is counted into `catalog`.
    static func countingClient(_ bed: SyncBed, into catalog: Catalog) throws -> (StorageClient, RequestLedger) {
        let ledger = RequestLedger(catalog: catalog, logger: SyncBed.quietLogger)
        return (try client(bed, observer: ledger), ledger)
    }

    static func client(_ bed: SyncBed, observer: any RequestObserver) throws -> StorageClient {
        var configuration = StorageClientConfiguration()
        configuration.retry = SyncBed.quickRetries
        configuration.observer = observer
        return try StorageClient(
            connectionString: bed.emulator.connectionString, configuration: configuration, logger: SyncBed.quietLogger)
    }

    static func operations(_ catalog: Catalog) throws -> [String: Int] {
        var totals: [String: Int] = [:]
        for count in try catalog.requestCounts() { totals[count.operation, default: 0] += count.requests }
        return totals
    }

    /// Two photos written, scanned and drained by `bed` through a counting client; the client, to shut down.
    static func backUpTwoPhotos(on bed: SyncBed, emulatorOf owner: SyncBed) async throws -> StorageClient {
        try bed.write("a.jpg", try SyncBed.jpeg(11))
        try bed.write("b.jpg", try SyncBed.jpeg(12))
        try bed.scan()
        let (client, ledger) = try countingClient(owner, into: bed.catalog)
        let report = try await bed.engine(storage: client).drain()
        ledger.flush()
        #expect(report.parked.isEmpty, "\(report.parked)")
        return client
    }

    @Test func newContentIsPutWithoutALookAndDuplicatesLookOnlyAfterTheirConflict() async throws {
        try await SyncBed.with { bed in
            let client = try await Self.backUpTwoPhotos(on: bed, emulatorOf: bed)
            let renditions = try bed.outboxCount(.rendition)
            let first = try Self.operations(bed.catalog)
            #expect(first["GetBlobProperties", default: 0] == 0, "\(first)")
            #expect(first["PutBlob"] == 2 + renditions, "\(first)")

            // Another device with the same two photos: every blob Put answers 409, then one look each.
            let sibling = try bed.sibling(device: "other-device")
            let siblingClient = try await Self.backUpTwoPhotos(on: sibling, emulatorOf: bed)
            let duplicates = try Self.operations(sibling.catalog)
            let blobs = 2 + (try sibling.outboxCount(.rendition))
            #expect(duplicates["PutBlob"] == blobs, "\(duplicates)")
            #expect(duplicates["GetBlobProperties"] == blobs, "\(duplicates)")
            await client.shutdown()
            await siblingClient.shutdown()
        }
    }

    @Test func aRequestsDayIsItsUTCDate() {
        #expect(RequestLedger.day(Date(timeIntervalSince1970: 0)) == "1970-01-01")
        #expect(RequestLedger.day(Date(timeIntervalSince1970: 1_709_164_800)) == "2024-02-29")  // 00:00:00Z
        #expect(RequestLedger.day(Date(timeIntervalSince1970: 1_709_251_199.999)) == "2024-02-29")  // 23:59:59.999Z
        #expect(RequestLedger.day(Date(timeIntervalSince1970: 1_709_251_200)) == "2024-03-01")
    }

    /// Counts gather for a moment and are then written by themselves: a daemon that is never stopped still
    /// records what it sent. Waits for the write (no flush), bounded only against a hang.
    @Test func gatheredCountsAreWrittenWithoutAFlush() async throws {
        try await SyncBed.with { bed in
            let ledger = RequestLedger(catalog: bed.catalog, logger: SyncBed.quietLogger)
            let client = try Self.client(bed, observer: ledger)
            _ = try await client.blobs.createContainer("gathered")
            for index in 0..<5 {
                _ = try await client.blobs.putBlob(container: "gathered", name: "b\(index)", bytes: [UInt8(index)])
            }
            var written = 0
            for _ in 0..<600 where written < 6 {
                written = try bed.catalog.requestCounts().reduce(0) { $0 + $1.requests }
                if written < 6 { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(written == 6)  // the container and five blobs, each counted once
            await client.shutdown()
        }
    }

    @Test func countsFromConcurrentRequestsAreAllWrittenPerDayAndClass() async throws {
        try await SyncBed.with { bed in
            let ledger = RequestLedger(catalog: bed.catalog, logger: SyncBed.quietLogger)
            let seen = Seen()
            let client = try Self.client(bed, observer: Both(ledger: ledger, seen: seen))
            _ = try await client.blobs.createContainer("counted")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        _ = try await client.blobs.putBlob(
                            container: "counted", name: "b\(index)", bytes: [UInt8(index)])
                    }
                }
                try await group.waitForAll()
            }
            ledger.flush()
            let counts = try bed.catalog.requestCounts()
            #expect(counts.allSatisfy { $0.day == RequestLedger.day(Date()) })
            // Every answered attempt once: what the pipeline reported is what the catalog holds, class by class.
            var stored: [String: Int] = [:]
            for count in counts { stored[count.billingClass, default: 0] += count.requests }
            let reported = seen.records.withLock { $0 }
            var expected: [String: Int] = [:]
            for record in reported { expected[record.billingClass.rawValue, default: 0] += 1 }
            #expect(stored == expected)
            #expect(reported.filter { $0.operation == "PutBlob" && $0.status == 201 }.count == 40)
            #expect(expected["list"] == 1)
            await client.shutdown()
        }
    }
}

/// What the pipeline reported, kept in memory to compare with what the ledger wrote.
final class Seen: Sendable {
    let records = Mutex<[RequestRecord]>([])
}

/// Hands each record to the ledger and to `Seen`.
struct Both: RequestObserver {
    let ledger: RequestLedger
    let seen: Seen

    func observe(_ record: RequestRecord) {
        seen.records.withLock { $0.append(record) }
        ledger.observe(record)
    }
}
