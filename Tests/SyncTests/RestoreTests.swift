import AzureStorage
import Catalog
import Ingest
import Foundation
import Sync
import Testing

/// `ironviper restore` below the CLI: a library synced into the emulator comes back from the cloud
/// alone (tables for paths, masters for bytes) into an empty folder, exactly.
@Suite("Restore")
struct RestoreTests {
    static let corpus: [(String, UInt32)] = [
        ("2024/trip/a.jpg", 1), ("2024/trip/b.jpg", 2), ("2024/été/çà #1 100%.jpg", 3),
        ("2024/copy of a.jpg", 1), ("2023/x/ü y.jpg", 4),
    ]

    /// Writes the corpus (with distinct, old mtimes), scans and syncs it.
    static func synced(_ bed: SyncBed) async throws {
        for (index, (path, seed)) in corpus.enumerated() {
            try bed.write(path, try SyncBed.jpeg(seed))
            try RestoreCheck.setMtime(
                bed.photos + "/" + path, seconds: 1_600_000_000 + index * 1000, nanos: 123_456_700)
        }
        try bed.scan()
        let report = try await bed.engine().drain()
        #expect(report.depth == 0 && report.parked.isEmpty, "\(report)")
    }

    static func restore(_ bed: SyncBed, into target: String, _ selection: RestoreSelection) async throws
        -> (RestoreReport, [RestoreItem])
    {
        let items = try await RestorePlanner(storage: bed.storage, device: bed.device).plan(selection)
        var options = RestoreOptions(target: target)
        options.libraryFolders = selection.library == nil
        let report = try await RestoreRunner(storage: bed.storage, options: options).run(items)
        return (report, items)
    }

    @Test func aSyncedLibraryComesBackWithItsBytesNamesAndMtimes() async throws {
        try await SyncBed.with { bed in
            try await Self.synced(bed)
            let target = bed.folder + "/restored"
            let (report, items) = try await Self.restore(bed, into: target, RestoreSelection())
            #expect(items.count == Self.corpus.count)
            #expect(report.failures.isEmpty, "\(report.failures)")
            #expect(report.restored == Self.corpus.count)
            #expect(report.downloads == 4)  // a.jpg and its copy share one content
            #expect(report.localCopies == 1)
            for (path, _) in Self.corpus {
                try RestoreCheck.same(bed.photos + "/" + path, target + "/" + bed.library + "/" + path)
            }
            #expect(!FileManager.default.fileExists(atPath: target + "/" + RestoreOptions.scratchName))
        }
    }

    @Test func prefixAndLibrarySelectWhatComesBack() async throws {
        try await SyncBed.with { bed in
            try await Self.synced(bed)
            let target = bed.folder + "/trip"
            let (report, items) = try await Self.restore(
                bed, into: target, RestoreSelection(library: bed.library, prefix: "2024/trip/"))
            #expect(Set(items.map(\.path)) == ["2024/trip/a.jpg", "2024/trip/b.jpg"])
            #expect(report.restored == 2)
            try RestoreCheck.same(bed.photos + "/2024/trip/b.jpg", target + "/2024/trip/b.jpg")
            #expect(!FileManager.default.fileExists(atPath: target + "/2024/copy of a.jpg"))

            let planner = RestorePlanner(storage: bed.storage, device: bed.device)
            #expect(try await planner.plan(RestoreSelection(prefix: "2024/tr")).isEmpty)  // whole segments only
            #expect(try await planner.plan(RestoreSelection(library: "no such library")).isEmpty)
            #expect(try await planner.plan(RestoreSelection(prefix: "2023")).map(\.path) == ["2023/x/ü y.jpg"])
        }
    }

    @Test func aPointInTimeGivesTheOlderVersionAndOmitsLaterFiles() async throws {
        try await SyncBed.with { bed in
            try await Self.synced(bed)
            let old = try bed.asset("2024/trip/a.jpg").sha256
            try await Task.sleep(for: .milliseconds(20))
            let between = Date()
            try await Task.sleep(for: .milliseconds(20))
            try bed.write("2024/trip/b.jpg", try SyncBed.jpeg(50))  // modified
            try bed.write("2024/later.jpg", try SyncBed.jpeg(51))  // created later
            try bed.scan()
            #expect(try await bed.engine().drain().depth == 0)

            let planner = RestorePlanner(storage: bed.storage, device: bed.device)
            let now = try await planner.plan(RestoreSelection())
            #expect(now.contains { $0.path == "2024/later.jpg" })
            let newB = try #require(now.first { $0.path == "2024/trip/b.jpg" })
            let target = bed.folder + "/then"
            let (report, items) = try await Self.restore(
                bed, into: target, RestoreSelection(library: bed.library, at: between))
            #expect(report.failures.isEmpty, "\(report.failures)")
            #expect(!items.contains { $0.path == "2024/later.jpg" })
            let oldB = try #require(items.first { $0.path == "2024/trip/b.jpg" })
            #expect(oldB.sha256 != newB.sha256)
            #expect(try RestoreCheck.sha256(target + "/2024/trip/b.jpg") == oldB.sha256)
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: target + "/2024/trip/b.jpg")) == Data(try SyncBed.jpeg(2)))
            #expect(items.first { $0.path == "2024/trip/a.jpg" }?.sha256 == old)
            #expect(!FileManager.default.fileExists(atPath: target + "/2024/later.jpg"))
        }
    }

    @Test func anInterruptedRestoreResumes() async throws {
        try await SyncBed.with { bed in
            try await Self.synced(bed)
            let target = bed.folder + "/resumed"
            let selection = RestoreSelection(library: bed.library)
            _ = try await Self.restore(bed, into: target, selection)
            // As a killed run leaves it: some files missing, one cut short, a temporary in the scratch folder.
            try FileManager.default.removeItem(atPath: target + "/2024/trip/a.jpg")
            try FileManager.default.removeItem(atPath: target + "/2023/x/ü y.jpg")
            let partial = target + "/2024/trip/b.jpg"
            let whole = try Data(contentsOf: URL(fileURLWithPath: partial))
            try whole.prefix(100).write(to: URL(fileURLWithPath: partial))
            let scratch = target + "/" + RestoreOptions.scratchName
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            try Data(whole.prefix(50)).write(
                to: URL(fileURLWithPath: scratch + "/\(String(repeating: "0", count: 64)).ivpart-1"))

            let (report, _) = try await Self.restore(bed, into: target, selection)
            #expect(report.failures.isEmpty, "\(report.failures)")
            #expect(report.alreadyPresent == 2)  // `copy of a.jpg` and the unicode one were untouched
            #expect(report.restored == 3)
            #expect(report.temporariesRemoved == 1)
            #expect(report.downloads == 2)  // a.jpg is copied from its restored duplicate
            for (path, _) in Self.corpus { try RestoreCheck.same(bed.photos + "/" + path, target + "/" + path) }
            #expect(!FileManager.default.fileExists(atPath: scratch))
        }
    }

    @Test func aCorruptedMasterIsDetectedAndNotPutInPlace() async throws {
        try await SyncBed.with { bed in
            try await Self.synced(bed)
            let sha = try bed.asset("2024/trip/b.jpg").sha256
            // Other bytes under the content's name, with a matching Content-MD5: only SHA-256 can tell.
            try await bed.storage.blobs.putBlob(container: "file-store", name: sha, bytes: Array("not the photo".utf8))
            let target = bed.folder + "/damaged"
            let (report, _) = try await Self.restore(bed, into: target, RestoreSelection(library: bed.library))
            let failure = try #require(report.failures.first)
            #expect(report.failures.count == 1)
            #expect(failure.path == "2024/trip/b.jpg")
            #expect(failure.message.contains(sha))
            #expect(failure.message.contains(RestoreCheck.sha256(bytes: Array("not the photo".utf8))))
            #expect(!FileManager.default.fileExists(atPath: target + "/2024/trip/b.jpg"))
            #expect(report.restored == Self.corpus.count - 1)
        }
    }

    /// A version that never got its master (edited before its upload, or the blob deleted) is one
    /// failure that says so; the rest comes back.
    @Test func aVersionWithoutAMasterIsNamedAndTheRestComesBack() async throws {
        try await SyncBed.with { bed in
            try await Self.synced(bed)
            let sha = try bed.asset("2024/trip/b.jpg").sha256
            #expect(try await bed.storage.blobs.delete(container: "file-store", name: sha))
            let target = bed.folder + "/gap"
            let (report, _) = try await Self.restore(bed, into: target, RestoreSelection(library: bed.library))
            let failure = try #require(report.failures.first)
            #expect(report.failures.count == 1 && failure.path == "2024/trip/b.jpg")
            #expect(failure.message.contains("never backed up"), "\(failure.message)")
            #expect(report.restored == Self.corpus.count - 1)
        }
    }

    @Test func theTablesAreRebuiltFromTheMastersMetadata() async throws {
        try await SyncBed.with { bed in
            try await Self.synced(bed)
            #expect(try await bed.storage.tables.deleteTable("files"))
            #expect(try await bed.storage.tables.deleteTable("history"))
            #expect(try await RestorePlanner(storage: bed.storage, device: bed.device).plan(RestoreSelection()).isEmpty)

            let rebuilt = try await TableRebuilder(storage: bed.storage, device: bed.device).rebuild()
            #expect(rebuilt.masters == 4 && rebuilt.rowsWritten == 4 && rebuilt.unnamed.isEmpty, "\(rebuilt)")
            let target = bed.folder + "/rebuilt"
            let (report, items) = try await Self.restore(bed, into: target, RestoreSelection(library: bed.library))
            #expect(report.failures.isEmpty && report.restored == 4, "\(report)")
            // One path per content survives: the first known one.
            #expect(items.count == 4)
            let paths = Set(items.map(\.path))
            #expect(paths.contains("2024/été/çà #1 100%.jpg") && paths.contains("2023/x/ü y.jpg"))
            #expect(paths.contains("2024/trip/a.jpg") != paths.contains("2024/copy of a.jpg"))
            for path in paths { try RestoreCheck.same(bed.photos + "/" + path, target + "/" + path) }
            // A second rebuild keeps what is there.
            let again = try await TableRebuilder(storage: bed.storage, device: bed.device).rebuild()
            #expect(again.rowsWritten == 0 && again.rowsKept == 4)
        }
    }

    @Test func aRowNamingAPathOutsideTheTargetIsRefused() async throws {
        try await SyncBed.with { bed in
            try await Self.synced(bed)
            let sha = try bed.asset("2024/trip/a.jpg").sha256
            var hostile = TableEntity(partitionKey: bed.filesPartition, rowKey: CloudKeys.fileRowKey(path: "../escape.jpg"))
            hostile["library"] = .string(bed.library)
            hostile["path"] = .string("../escape.jpg")
            hostile["sha256"] = .string(sha)
            hostile["size"] = .int64(try bed.asset("2024/trip/a.jpg").size)
            hostile["deleted"] = .bool(false)
            try await bed.storage.tables.upsert(hostile, in: "files")
            let target = bed.folder + "/inside/restored"
            let (report, _) = try await Self.restore(bed, into: target, RestoreSelection(library: bed.library))
            #expect(report.failures.map(\.path) == ["../escape.jpg"])
            #expect(report.restored == Self.corpus.count)
            #expect(!FileManager.default.fileExists(atPath: bed.folder + "/inside/escape.jpg"))
        }
    }
}

/// File comparisons for restore tests.
enum RestoreCheck {
    static func setMtime(_ path: String, seconds: Int, nanos: Int) throws {
        var times = [timespec(tv_sec: seconds, tv_nsec: nanos), timespec(tv_sec: seconds, tv_nsec: nanos)]
        guard utimensat(AT_FDCWD, path, &times, 0) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    static func mtimeNs(_ path: String) throws -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw CocoaError(.fileReadNoSuchFile) }
        return Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    }

    static func sha256(_ path: String) throws -> String { try ContentHasher.digest(ofFileAt: path).0.sha256 }

    static func sha256(bytes: [UInt8]) -> String { bytes.withUnsafeBytes { ContentHasher.digest(of: $0).sha256 } }

    /// Same bytes and the same mtime to the nanosecond.
    static func same(_ original: String, _ restored: String) throws {
        let a = try Data(contentsOf: URL(fileURLWithPath: original))
        let b = try Data(contentsOf: URL(fileURLWithPath: restored))
        #expect(a == b, "bytes of \(restored)")
        #expect(try mtimeNs(original) == mtimeNs(restored), "mtime of \(restored)")
    }
}
