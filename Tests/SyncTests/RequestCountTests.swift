import AzureStorage
import Catalog
import Foundation
import Sync
import Testing

/// What the outbox costs in requests, counted by the client into the catalog (`RequestLedger`): a new photo's
/// blobs are Put without a Get Properties first; only a duplicate pays for a look, after its 409.
@Suite("Request counts")
struct RequestCountTests {
    /// A client on the bed's emulator whose every answered request is counted into `catalog`.
    static func countingClient(_ bed: SyncBed, into catalog: Catalog) throws -> (StorageClient, RequestLedger) {
        let ledger = RequestLedger(catalog: catalog, logger: SyncBed.quietLogger)
        var configuration = StorageClientConfiguration()
        configuration.retry = SyncBed.quickRetries
        configuration.observer = ledger
        return (
            try StorageClient(
                connectionString: bed.emulator.connectionString, configuration: configuration,
                logger: SyncBed.quietLogger), ledger
        )
    }

    static func operations(_ catalog: Catalog) throws -> [String: Int] {
        var totals: [String: Int] = [:]
        for count in try catalog.requestCounts() { totals[count.operation, default: 0] += count.requests }
        return totals
    }

    @Test func newContentIsPutWithoutALookAndDuplicatesLookOnlyAfterTheirConflict() async throws {
        try await SyncBed.with { bed in
            try bed.write("a.jpg", try SyncBed.jpeg(11))
            try bed.write("b.jpg", try SyncBed.jpeg(12))
            try bed.scan()
            let (client, ledger) = try Self.countingClient(bed, into: bed.catalog)
            let report = try await bed.engine(storage: client).drain()
            ledger.flush()
            #expect(report.parked.isEmpty, "\(report.parked)")
            let renditions = try bed.outboxCount(.rendition)
            let first = try Self.operations(bed.catalog)
            #expect(first["GetBlobProperties", default: 0] == 0, "\(first)")
            #expect(first["PutBlob"] == 2 + renditions, "\(first)")

            // Another device with the same two photos: every blob Put answers 409, then one look each.
            let sibling = try bed.sibling(device: "other-device")
            try sibling.write("a.jpg", try SyncBed.jpeg(11))
            try sibling.write("b.jpg", try SyncBed.jpeg(12))
            try sibling.scan()
            let (siblingClient, siblingLedger) = try Self.countingClient(bed, into: sibling.catalog)
            let second = try await sibling.engine(storage: siblingClient).drain()
            siblingLedger.flush()
            #expect(second.parked.isEmpty, "\(second.parked)")
            let duplicates = try Self.operations(sibling.catalog)
            let blobs = 2 + (try sibling.outboxCount(.rendition))
            #expect(duplicates["PutBlob"] == blobs, "\(duplicates)")
            #expect(duplicates["GetBlobProperties"] == blobs, "\(duplicates)")
            await client.shutdown()
            await siblingClient.shutdown()
        }
    }

    @Test func countsFromConcurrentRequestsAreAllWrittenPerDayAndClass() async throws {
        try await SyncBed.with { bed in
            let (client, ledger) = try Self.countingClient(bed, into: bed.catalog)
            _ = try await client.blobs.createContainer("counted")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        _ = try await client.blobs.putBlob(container: "counted", name: "b\(index)", bytes: [UInt8(index)])
                    }
                }
                try await group.waitForAll()
            }
            ledger.flush()
            let counts = try bed.catalog.requestCounts()
            #expect(counts.allSatisfy { $0.day == RequestLedger.day(Date()) })
            let writes = counts.filter { $0.billingClass == "write" }.map(\.requests).reduce(0, +)
            let lists = counts.filter { $0.billingClass == "list" }.map(\.requests).reduce(0, +)
            #expect(writes == 40)
            #expect(lists == 1)
            await client.shutdown()
        }
    }
}
