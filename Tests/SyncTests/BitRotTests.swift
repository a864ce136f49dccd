import AzureStorage
import Catalog
import Ingest
import Foundation
import Imaging
import StorageEmulator
import Sync
import Testing

/// Bit rot under a master: the emulator keeps its data on disk, one byte of a stored master is
/// flipped there (same size, the stored Content-MD5 unchanged), and only reading the bytes back can
/// tell. `verify --deep` must name it, and restore must refuse to put it in place.
@Suite("Bit rot")
struct BitRotTests {
    @Test func aFlippedByteOnTheEmulatorsDiskIsFoundByDeepVerifyAndRestore() async throws {
        let folder = NSTemporaryDirectory() + "bitrot-tests-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var configuration = EmulatorConfiguration.ephemeral(location: folder + "/emulator")
        configuration.services = [.blob, .queue, .table]
        let emulator = try await RunningEmulator.start(configuration: configuration)
        var clientConfiguration = StorageClientConfiguration()
        clientConfiguration.retry = SyncBed.quickRetries
        let storage = try StorageClient(
            connectionString: emulator.connectionString, configuration: clientConfiguration, logger: SyncBed.quietLogger)
        do {
            try await check(folder: folder, storage: storage)
        } catch {
            await storage.shutdown()
            await emulator.shutdown()
            throw error
        }
        await storage.shutdown()
        await emulator.shutdown()
    }

    private func check(folder: String, storage: StorageClient) async throws {
        let photos = folder + "/Photos"
        try FileManager.default.createDirectory(atPath: photos, withIntermediateDirectories: true)
        // Past the emulator's 64 KiB inline limit, so the body is a file of its own in its folder.
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try Data(bytes).write(to: URL(fileURLWithPath: photos + "/rot.bin"))
        let catalog = try Catalog(path: folder + "/data/catalog.sqlite")
        let previews = PreviewStore(root: folder + "/data/previews")
        _ = try LibraryScanner(catalog: catalog, previews: previews, logger: SyncBed.quietLogger).scan(roots: [photos])
        let device = DeviceKeys(device: "bit-rot")
        var options = SyncOptions(previewsRoot: previews.root, device: device)
        options.retryDelay = .milliseconds(5)
        let report = try await SyncEngine(catalog: catalog, storage: storage, options: options, logger: SyncBed.quietLogger)
            .drain()
        #expect(report.depth == 0 && report.parked.isEmpty, "\(report)")

        // Find the stored copy of the master among the emulator's files and flip one byte in the middle.
        var flipped = 0
        let walker = FileManager.default.enumerator(atPath: folder + "/emulator")
        while let relative = walker?.nextObject() as? String {
            let path = folder + "/emulator/" + relative
            guard var stored = try? Data(contentsOf: URL(fileURLWithPath: path)), stored == Data(bytes) else { continue }
            stored[stored.count / 2] ^= 0xFF
            try stored.write(to: URL(fileURLWithPath: path))
            flipped += 1
        }
        try #require(flipped == 1, "the master's bytes were not found as one file in the emulator's folder")

        var verify = VerifyOptions()
        verify.scratch = folder
        let shallow = try await Verifier(catalog: catalog, storage: storage, device: device, options: verify).run()
        #expect(shallow.isClean, "size and Content-MD5 still look right: \(shallow.findings)")
        verify.deep = true
        let deep = try await Verifier(catalog: catalog, storage: storage, device: device, options: verify).run()
        let sha = bytes.withUnsafeBytes { ContentHasher.digest(of: $0).sha256 }
        #expect(deep.findings.map(\.kind) == [.masterCorrupt])
        #expect(deep.findings.first?.subject == sha)

        let items = try await RestorePlanner(storage: storage, device: device).plan(RestoreSelection())
        let restored = try await RestoreRunner(storage: storage, options: RestoreOptions(target: folder + "/out")).run(items)
        #expect(restored.failures.map(\.path) == ["rot.bin"])
        #expect(restored.restored == 0)
        #expect(!FileManager.default.fileExists(atPath: folder + "/out/Photos/rot.bin"))
    }
}
