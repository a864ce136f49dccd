import AzureStorage
import Catalog
import Foundation
import Imaging
import Ingest
import PreviewWorker
import StorageEmulator
import Sync
import Synchronization
import Testing

/// `ironviper worker` in-process against the real emulator: the daemon's side with previews in the
/// cloud (scan, drain: masters and messages only), then workers on the queue, then what the catalog
/// learns back. The multi-process proof (kill, scale, request log) is `test_worker.py`.
@Suite("Preview worker")
struct PreviewWorkerTests {
    /// Worker options for tests: quick polls and back-offs, exits once the queue is idle.
    static func options(_ adjust: (inout WorkerOptions) -> Void = { _ in }) -> WorkerOptions {
        var options = WorkerOptions()
        options.concurrency = 2
        options.visibilityTimeout = .seconds(30)
        options.maxPollInterval = .milliseconds(50)
        options.idleExit = .milliseconds(300)
        options.retryDelay = .milliseconds(1)
        adjust(&options)
        return options
    }

    static func run(_ bed: SyncBed, _ adjust: (inout WorkerOptions) -> Void = { _ in }) async throws
        -> ExtractWorker.Summary
    {
        try await ExtractWorker(storage: bed.storage, options: options(adjust), logger: SyncBed.quietLogger).run()
    }

    @Test func theDaemonSendsMastersAndMessagesAndMakesNoPreviews() async throws {
        try await SyncBed.with { bed in
            try bed.write("a.jpg", try SyncBed.jpeg(1))
            try bed.write("copy/a.jpg", try SyncBed.jpeg(1))
            try bed.write("b.jpg", try SyncBed.jpeg(2))
            try bed.write("notes.txt", Array("not a photo".utf8))
            try bed.scan(previewsInCloud: true)
            #expect(try bed.catalog.counts().renditions == 0)
            #expect(try bed.catalog.awaitingCloudDescriptionCount() == 2)
            let report = try await bed.engine { $0.previewsInCloud = true }.drain()
            #expect(report.depth == 0 && report.parked.isEmpty, "\(report.parked)")
            #expect(try await bed.storage.blobs.allBlobs(container: "file-store").count == 3)
            let messages = try await bed.storage.queues.peek(queue: CloudKeys.extractQueue, count: 32)
                .map { try ExtractMessage.parse($0.text) }
            #expect(Set(messages.map(\.sha256)) == [try bed.asset("a.jpg").sha256, try bed.asset("b.jpg").sha256])
            #expect(messages.allSatisfy { $0.version == 1 && $0.device == "bed-device" && $0.size != nil })
            #expect(!FileManager.default.fileExists(atPath: bed.previews.root))
        }
    }

    @Test func workersDescribeEveryPathAndTheCatalogLearnsIt() async throws {
        try await SyncBed.with { bed in
            try bed.write("a.jpg", try SyncBed.jpeg(1))
            try bed.write("copy/a.jpg", try SyncBed.jpeg(1))
            try bed.write("b.jpg", try SyncBed.jpeg(2))
            let whole = try SyncBed.jpeg(4)
            try bed.write("broken.jpg", Array(whole.prefix(40)))
            try bed.scan(previewsInCloud: true)
            let engine = bed.engine { $0.previewsInCloud = true }
            try await engine.drain()

            // Two workers on one queue, as a scaler would run them.
            async let first = Self.run(bed)
            async let second = Self.run(bed)
            let (one, two) = try await (first, second)
            #expect(one.described + two.described == 2)
            #expect(one.unconvertible + two.unconvertible == 1)
            #expect(one.poisoned + two.poisoned == 0)
            #expect(try await bed.storage.queues.peek(queue: CloudKeys.extractQueue).isEmpty)

            // The blobs the daemon would store locally (identical renditions once), byte for byte.
            var expected: Set<String> = []
            for (path, seed) in [("a.jpg", UInt32(1)), ("b.jpg", 2)] {
                let sha = try bed.asset(path).sha256
                let local = try ImageConverter().analyze(bytes: try SyncBed.jpeg(seed), path: path)
                let (records, stored) = DistinctRenditions.plan(local.renditions, sha256: sha)
                #expect(records.count == 10 && stored.count < 10)
                for rendition in stored {
                    let blob = CloudKeys.renditionBlob(sha256: sha, name: rendition.name)
                    expected.insert(blob)
                    let (bytes, _) = try await bed.storage.blobs.getBlob(container: "pv-store", name: blob)
                    #expect(bytes == rendition.jpeg, "\(rendition.name)")
                }
            }
            let blobs = try await bed.storage.blobs.allBlobs(container: "pv-store").map(\.name)
            #expect(Set(blobs) == expected && blobs.count == expected.count)

            // Every path's row: the duplicate's too; the broken file says why it has none.
            for path in ["a.jpg", "copy/a.jpg"] {
                let row = try #require(
                    try await bed.storage.tables.get(
                        partitionKey: bed.filesPartition, rowKey: CloudKeys.fileRowKey(path: path), from: "files"))
                #expect(row["width"] == .int32(160) && row["height"] == .int32(120))
                #expect(row["renditions"]?.string?.split(separator: ",").count == 10)
                #expect(row["deleted"] == .bool(false))
            }
            let broken = try #require(
                try await bed.storage.tables.get(
                    partitionKey: bed.filesPartition, rowKey: CloudKeys.fileRowKey(path: "broken.jpg"), from: "files"))
            #expect(broken["renditions"] == nil && broken["problem"]?.string?.isEmpty == false)

            // The daemon learns it: facts, renditions to fetch on demand, the problem.
            try await engine.drain()
            #expect(try bed.catalog.awaitingCloudDescriptionCount() == 0)
            let learned = try bed.asset("a.jpg")
            #expect(learned.width == 160 && learned.height == 120 && learned.phash != nil)
            #expect(try bed.catalog.counts().renditions == 20)
            #expect(try bed.renditionBlobs() == expected.count)
            #expect(try bed.catalog.problems(limit: 10).list.contains { $0.path == "broken.jpg" })

            // A path recorded after the worker ran gets a row with the description too.
            try bed.write("later/a.jpg", try SyncBed.jpeg(1))
            try bed.scan(previewsInCloud: true)
            try await engine.drain()
            let later = try #require(
                try await bed.storage.tables.get(
                    partitionKey: bed.filesPartition, rowKey: CloudKeys.fileRowKey(path: "later/a.jpg"), from: "files"))
            #expect(later["renditions"]?.string?.split(separator: ",").count == 10)
        }
    }

    @Test func aRowTheDaemonRewritesKeepsWhatTheWorkerMerged() async throws {
        try await SyncBed.with { bed in
            try bed.write("a.jpg", try SyncBed.jpeg(1))
            try bed.scan(previewsInCloud: true)
            // The message goes out before the entity row is written: the worker starts the row.
            let engine = bed.engine { $0.previewsInCloud = true }
            try await engine.drain()
            _ = try await bed.storage.tables.delete(
                partitionKey: bed.filesPartition, rowKey: "a.jpg", from: "files")
            #expect(try await Self.run(bed).described == 1)
            let started = try #require(
                try await bed.storage.tables.get(partitionKey: bed.filesPartition, rowKey: "a.jpg", from: "files"))
            #expect(started["renditions"] != nil && started["size"] == nil)

            // The daemon rewrites the row (a touch): its facts join the worker's, none is lost.
            let path = bed.photos + "/a.jpg"
            var times = [timespec(tv_sec: 1_700_000_000, tv_nsec: 0), timespec(tv_sec: 1_700_000_000, tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
            try bed.scan(previewsInCloud: true)
            try await engine.drain()
            let row = try #require(
                try await bed.storage.tables.get(partitionKey: bed.filesPartition, rowKey: "a.jpg", from: "files"))
            #expect(row["renditions"]?.string?.split(separator: ",").count == 10)
            #expect(row["width"] == .int32(160))
            #expect(row["mtimeNs"] == .int64(1_700_000_000_000_000_000))
            #expect(row["size"] == .int64(try bed.asset("a.jpg").size))
        }
    }

    @Test func aMessageReceivedPastTheLimitIsPoisonedWithItsLastError() async throws {
        try await SyncBed.with { bed in
            _ = try await bed.storage.queues.createQueue(CloudKeys.extractQueue)
            let message = ExtractMessage(
                sha256: String(repeating: "ab", count: 32), size: 10, device: "d", library: "l", path: "p.jpg")
            try await bed.storage.queues.put(queue: CloudKeys.extractQueue, text: message.failed("earlier: 503").json())
            // Two receives that never answered (workers that died holding it).
            for _ in 0..<2 {
                let held = try #require(try await bed.storage.queues.get(queue: CloudKeys.extractQueue).first)
                try await bed.storage.queues.update(
                    queue: CloudKeys.extractQueue, messageID: held.id, popReceipt: held.popReceipt, visibilityTimeout: .zero)
            }
            try await bed.storage.queues.put(queue: CloudKeys.extractQueue, text: "{\"version\": 9}")
            let summary = try await Self.run(bed) { $0.maxDequeueCount = 2 }
            #expect(summary.poisoned == 2 && summary.described == 0)
            let poisoned = try await bed.storage.queues.peek(queue: CloudKeys.extractPoisonQueue, count: 32)
            #expect(poisoned.count == 2)
            let kept = try #require(poisoned.compactMap { try? ExtractMessage.parse($0.text) }.first)
            #expect(kept.sha256 == message.sha256 && kept.lastError == "earlier: 503")
            #expect(poisoned.contains { $0.text.contains("\"raw\"") && $0.text.contains("not an extract message") })
            #expect(try await bed.storage.queues.peek(queue: CloudKeys.extractQueue).isEmpty)
        }
    }

    @Test func transientFailuresAreRetriedThenPoisonedWithTheError() async throws {
        try await SyncBed.with { bed in
            try bed.write("a.jpg", try SyncBed.jpeg(1))
            try bed.scan(previewsInCloud: true)
            try await bed.engine { $0.previewsInCloud = true }.drain()
            // Every rendition upload answers 503: a transient failure, three receives, then the poison queue.
            bed.emulator.faults.replace(
                with: FaultPlan(
                    rules: [FaultRule(service: .blob, method: "PUT", path: "/*/pv-store/*", rate: 1, kinds: [.serverBusy],
                                      retryAfterSeconds: 0)]))
            let summary = try await Self.run(bed) { $0.maxDequeueCount = 3 }
            #expect(summary.retried == 2 && summary.poisoned == 1, "\(summary)")
            let poisoned = try await bed.storage.queues.peek(queue: CloudKeys.extractPoisonQueue)
            let message = try ExtractMessage.parse(try #require(poisoned.first).text)
            #expect(message.sha256 == (try bed.asset("a.jpg").sha256))
            #expect(message.lastError?.contains("503") == true, "\(message.lastError ?? "")")

            // Once the service is back, the message moved back is worked as any other.
            bed.emulator.faults.clear()
            try await bed.storage.queues.put(queue: CloudKeys.extractQueue, text: message.json())
            #expect(try await Self.run(bed).described == 1)
        }
    }

    @Test func aHeldMessageIsRenewedWhileItsWorkRuns() async throws {
        try await SyncBed.with { bed in
            _ = try await bed.storage.queues.createQueue("slow-work")
            try await bed.storage.queues.put(queue: "slow-work", text: "slow work")
            let held = try #require(try await bed.storage.queues.get(queue: "slow-work", visibilityTimeout: .seconds(2)).first)
            let first = try #require(held.nextVisibleTime)
            let lease = MessageLease(
                held, queue: "slow-work", storage: bed.storage, visibility: .seconds(2), logger: SyncBed.quietLogger)
            // The work lasts until two renewals happened. What is checked holds however late the machine
            // runs them: each pushed the message's visibility past the one before (by the service's clock),
            // and the message is deleted with the newest pop receipt (a stale one would be refused).
            try await lease.renewing {
                while lease.renewals < 2 { try await Task.sleep(for: .milliseconds(20)) }
            }
            let renewed = try #require(lease.visibleAgainAt)
            #expect(renewed.timeIntervalSince(first) >= 1.5, "\(first) → \(renewed)")
            #expect(try await lease.delete())
            #expect(try await bed.storage.queues.peek(queue: "slow-work").isEmpty)
        }
    }

    @Test func messageVersionsAndShapes() throws {
        let legacy = #"{"blob":"\#(String(repeating: "0", count: 64))","container":"file-store","library":"l","path":"p","sha256":"\#(String(repeating: "0", count: 64))"}"#
        let old = try ExtractMessage.parse(legacy)
        #expect(old.version == 1 && old.size == nil)
        let current = ExtractMessage(sha256: String(repeating: "f", count: 64), size: 5, device: "nas", library: "l", path: "p")
        #expect(try ExtractMessage.parse(current.json()) == current)
        #expect(current.json().hasPrefix(#"{"blob":"#))  // sorted keys
        for bad in [
            #"{"version":2,"sha256":"\#(String(repeating: "0", count: 64))","container":"file-store","blob":"\#(String(repeating: "0", count: 64))"}"#,
            #"{"sha256":"XYZ","container":"file-store","blob":"XYZ"}"#,
            #"{"sha256":"\#(String(repeating: "0", count: 64))","container":"pv-store","blob":"\#(String(repeating: "0", count: 64))"}"#,
            "not json",
        ] {
            #expect(throws: ExtractMessageError.self) { try ExtractMessage.parse(bad) }
        }
    }
}
