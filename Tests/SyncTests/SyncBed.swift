import AzureStorage
import Catalog
import Foundation
import GRDB
import Imaging
import Ingest
import Logging
import StorageEmulator
import Sync
import Synchronization
import Testing

/// A catalog and a photo folder in a scratch directory, the real emulator in-process (blob, queue,
/// table) and a client for it; everything removed or shut down when the test ends.
final class SyncBed: Sendable {
    let folder: String
    let photos: String
    let catalog: Catalog
    let previews: PreviewStore
    let emulator: RunningEmulator
    let storage: StorageClient
    let clock = TestClock()
    /// The device the bed's rows are keyed under.
    let device: DeviceKeys
    /// The `files` PartitionKey of the bed's library.
    var filesPartition: String { device.filesPartition(library: library) }

    private init(folder: String, emulator: RunningEmulator, storage: StorageClient, device: String = "bed-device")
        throws
    {
        self.folder = folder
        self.device = DeviceKeys(device: device)
        photos = folder + "/Photos"
        try FileManager.default.createDirectory(atPath: photos, withIntermediateDirectories: true)
        catalog = try Catalog(path: folder + "/data/catalog.sqlite")
        previews = PreviewStore(root: folder + "/data/previews")
        self.emulator = emulator
        self.storage = storage
    }

    /// Runs `body` with a fresh bed; `features`: what the emulator's accounts have switched on (versioning,
    /// version-level immutability), as Azure's management plane would.
    static func with<T>(features: [String: AccountFeatures] = [:], _ body: (SyncBed) async throws -> T) async throws -> T {
        let folder = NSTemporaryDirectory() + "sync-tests-\(UUID().uuidString)"
        var configuration = EmulatorConfiguration.ephemeral()
        configuration.services = [.blob, .queue, .table]
        configuration.accountFeatures = features
        let emulator = try await RunningEmulator.start(configuration: configuration)
        var clientConfiguration = StorageClientConfiguration()
        clientConfiguration.retry = quickRetries
        let bed: SyncBed
        do {
            let storage = try StorageClient(
                connectionString: emulator.connectionString, configuration: clientConfiguration, logger: quietLogger)
            bed = try SyncBed(folder: folder, emulator: emulator, storage: storage)
        } catch {
            await emulator.shutdown()
            throw error
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        do {
            let result = try await body(bed)
            await bed.storage.shutdown()
            await emulator.shutdown()
            return result
        } catch {
            await bed.storage.shutdown()
            await emulator.shutdown()
            throw error
        }
    }

    /// Another machine backing up into the same account: its own folder, catalog and device name,
    /// the same emulator and client (shut down with this bed).
    func sibling(device: String) throws -> SyncBed {
        try SyncBed(folder: folder + "/" + device, emulator: emulator, storage: storage, device: device)
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "ironviper.sync.tests")
        logger.logLevel = .critical
        return logger
    }

    static var quickRetries: RetryPolicy {
        var policy = RetryPolicy()
        policy.maxAttempts = 2
        policy.initialDelay = .milliseconds(5)
        policy.maxDelay = .milliseconds(10)
        return policy
    }

    /// Engine options with quick back-offs and the bed's clock.
    func options(_ adjust: (inout SyncOptions) -> Void = { _ in }) -> SyncOptions {
        var options = SyncOptions(previewsRoot: previews.root, device: device)
        options.concurrency = 4
        options.retryDelay = .milliseconds(5)
        options.maxRetryDelay = .milliseconds(20)
        options.pollInterval = .milliseconds(200)
        let clock = self.clock
        options.clock = { clock.now() }
        adjust(&options)
        return options
    }

    func engine(storage: StorageClient? = nil, _ adjust: (inout SyncOptions) -> Void = { _ in }) -> SyncEngine {
        SyncEngine(
            catalog: catalog, storage: storage ?? self.storage, options: options(adjust), logger: Self.quietLogger)
    }

    /// Scans the photo folder into the catalog (which writes the outbox rows).
    @discardableResult
    func scan(previewsInCloud: Bool = false) throws -> ScanSummary {
        var configuration = ScanConfiguration()
        configuration.workers = 2
        configuration.previewsInCloud = previewsInCloud
        return try LibraryScanner(
            catalog: catalog, previews: previews, configuration: configuration, logger: Self.quietLogger
        ).scan(roots: [photos])
    }

    /// Writes a file under the photo folder, creating its folders.
    func write(_ path: String, _ bytes: [UInt8]) throws {
        let full = photos + "/" + path
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }

    /// A small JPEG that differs per seed.
    static func jpeg(_ seed: UInt32) throws -> [UInt8] {
        try SyntheticImage(width: 160, height: 120, seed: seed).encode(format: "JPEG")
    }

    /// The library's name (the cloud tables' PartitionKey).
    var library: String { (try? catalog.libraries().first?.name) ?? "Photos" }

    /// The asset of a path, by its current content.
    func asset(_ path: String) throws -> AssetRecord {
        let files = try catalog.files(libraryId: try #require(try catalog.libraries().first?.id))
        let sha = try #require(files[path]?.sha256, "no file \(path)")
        return try #require(try catalog.asset(sha256: sha))
    }

    /// Rendition files (and so blobs): identical renditions of a content share one.
    func renditionBlobs() throws -> Int {
        try catalog.read { db in try Int.fetchOne(db, sql: "SELECT count(DISTINCT path) FROM renditions") ?? 0 }
    }

    /// The rendition blobs of one content: its ten renditions, identical ones counted once.
    func renditionBlobs(of sha256: String) throws -> Int {
        Set(try catalog.detail(for: sha256).renditions.map(\.blob)).count
    }

    /// Outbox rows of a kind, done or not.
    func outboxCount(_ kind: OutboxKind) throws -> Int {
        try catalog.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE kind = ?", arguments: [kind.rawValue]) ?? 0
        }
    }
}

/// Real time plus an offset tests move forward to pass retention periods (it must run on: back-offs wait on it).
final class TestClock: Sendable {
    private let offset = Mutex(0.0)

    func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    func advance(days: Double) {
        offset.withLock { $0 += days * 86_400 }
    }
}

/// Hex to bytes, for comparing the catalog's MD5 with a blob's Content-MD5.
func hexBytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    return stride(from: 0, to: digits.count, by: 2).compactMap {
        UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)
    }
}
