import AzureStorage
import Catalog
import Ingest
import Foundation
import Synchronization

/// How a restore writes: where, and how many masters download at once.
package struct RestoreOptions: Sendable {
    /// The folder the files are restored into (created if needed).
    package var target: String
    /// Each library into its own sub-folder (`TARGET/<library>/<path>`); off when one library is
    /// restored, whose paths then go straight under the target.
    package var libraryFolders = true
    /// Masters downloading at once.
    package var concurrency = 4

    /// Options restoring into `target`.
    package init(target: String) {
        self.target = target
    }

    /// The scratch folder inside the target: temporaries live here until renamed into place, so a
    /// killed run leaves nothing half-written among the restored files, and the next run empties it.
    package var scratch: String { target + "/" + Self.scratchName }

    /// The scratch folder's name.
    package static let scratchName = ".ironviper-restore"
}

/// Puts planned files back: each content downloaded once from `file-store/<sha256>` into the
/// scratch folder, its SHA-256 checked, then copied to every other path holding it and renamed into
/// place with its mtime. A rerun skips files already in place with the right size and hash, and
/// takes a content from such a file rather than downloading it again.
package struct RestoreRunner: Sendable {
    let storage: StorageClient
    let options: RestoreOptions

    /// A runner downloading through `storage`.
    package init(storage: StorageClient, options: RestoreOptions) {
        self.storage = storage
        self.options = options
    }

    /// Where `item` is restored to.
    package func destination(of item: RestoreItem) -> String {
        options.target + "/" + (options.libraryFolders ? item.library + "/" : "") + item.path
    }

    /// Restores `items`; a file that fails is reported and the others go on.
    package func run(_ items: [RestoreItem], progress: (@Sendable (JobProgress) -> Void)? = nil) async throws
        -> RestoreReport
    {
        let scratch = options.scratch
        let removed = try await BlockingWork.run("ironviper-restore") { try RestoreFiles.prepareScratch(scratch) }
        let tally = RestoreTally(items: items, progress: progress)
        tally.update { $0.temporariesRemoved = removed }
        var groups: [String: [RestoreItem]] = [:]
        var order: [String] = []
        for item in items {
            if groups[item.sha256] == nil { order.append(item.sha256) }
            groups[item.sha256, default: []].append(item)
        }
        let limit = max(1, options.concurrency)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = order.makeIterator()
            for _ in 0..<limit {
                guard let sha = next.next(), let members = groups[sha] else { break }
                group.addTask { try await self.restore(sha256: sha, items: members, tally: tally) }
            }
            while try await group.next() != nil {
                if let sha = next.next(), let members = groups[sha] {
                    group.addTask { try await self.restore(sha256: sha, items: members, tally: tally) }
                }
            }
        }
        try? FileManager.default.removeItem(atPath: scratch)
        return tally.finish()
    }

    /// One content and every path holding it. Errors are recorded per path, never thrown, except
    /// cancellation.
    private func restore(sha256: String, items: [RestoreItem], tally: RestoreTally) async throws {
        var needed: [RestoreItem] = []
        var inPlace: String?
        for item in items {
            let path = destination(of: item)
            guard RestoreFiles.isSafe(item.path), !path.hasPrefix(options.scratch + "/") else {
                tally.failed(item, "the path leaves the target folder; not restored")
                continue
            }
            if try await BlockingWork.run("ironviper-restore", { RestoreFiles.holds(path, sha256: sha256, size: item.size) }) {
                inPlace = inPlace ?? path
                tally.present(item)
            } else {
                needed.append(item)
            }
        }
        guard !needed.isEmpty else { return }
        let source: String
        var downloaded = false
        do {
            if let inPlace {
                source = inPlace
            } else {
                source = try await download(sha256: sha256, size: needed[0].size, tally: tally)
                downloaded = true
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as AzureStorageError where error.status == 404 {
            // A version edited or deleted before its upload finished has rows but never had a master.
            let reason =
                "no master \(CloudKeys.masterContainer)/\(sha256): this version was never backed up (replaced "
                + "before its upload) or its blob was deleted (`ironviper verify` tells which)"
            for item in needed { tally.failed(item, reason) }
            return
        } catch {
            for item in needed { tally.failed(item, "\(error)") }
            return
        }
        for (index, item) in needed.enumerated() {
            try Task.checkCancellation()
            let path = destination(of: item)
            // The download itself moves into the last path; every other path gets a copy.
            let move = downloaded && index == needed.count - 1
            let temporary = move ? source : options.scratch + "/\(sha256).\(index)"
            do {
                try await BlockingWork.run("ironviper-restore") {
                    if !move { try RestoreFiles.copy(source, to: temporary) }
                    if let mtime = item.mtimeNs { try RestoreFiles.setModificationTime(temporary, nanoseconds: mtime) }
                    try RestoreFiles.moveIntoPlace(temporary, path)
                }
                tally.restored(item, copied: !move)
            } catch {
                unlink(temporary)
                tally.failed(item, "\(error)")
            }
        }
        if downloaded { unlink(source) }
    }

    /// Downloads a master into the scratch folder and checks it (`downloadVersion`). When the current version is
    /// gone or holds other bytes (overwritten, or deleted, by someone holding the account key) and the account keeps
    /// versions, the earlier versions are tried, protected ones first: an immutable master survives that way.
    private func download(sha256: String, size: Int64, tally: RestoreTally) async throws -> String {
        do {
            return try await downloadVersion(sha256: sha256, versionID: nil, tally: tally)
        } catch let error where Self.currentVersionUnusable(error) {
            for version in try await MasterVersions.list(sha256, storage: storage) {
                guard let path = try? await downloadVersion(sha256: sha256, versionID: version.properties.versionID, tally: tally)
                else { continue }
                return path
            }
            throw error
        }
    }

    /// Missing (404), or bytes that are not the content (a Content-MD5 or SHA-256 mismatch).
    private static func currentVersionUnusable(_ error: Error) -> Bool {
        if let error = error as? AzureStorageError { return error.status == 404 || error.code == .integrity }
        return (error as? SyncError)?.code == .integrity
    }

    /// Downloads one version of a master into the scratch folder, its SHA-256 (its name) checked on the bytes
    /// as they arrive; returns the temporary's path. A mismatch leaves nothing and names both hashes.
    private func downloadVersion(sha256: String, versionID: String?, tally: RestoreTally) async throws -> String {
        let temporary = options.scratch + "/" + sha256
        let result: BlobDownloadResult
        do {
            result = try await storage.blobs.download(
                container: CloudKeys.masterContainer, name: sha256, versionID: versionID, to: temporary,
                check: .sha256(sha256))
        } catch let error as AzureStorageError where error.code == .integrity {
            throw SyncError(
                .integrity, "\(CloudKeys.masterContainer)/\(sha256)", detail: "\(error.detail ?? "\(error)"); not put in place")
        }
        tally.downloaded(bytes: result.bytes)
        return temporary
    }
}

/// The report and progress of a run, updated from its concurrent tasks.
final class RestoreTally: Sendable {
    private let state: Mutex<(report: RestoreReport, progress: JobProgress)>
    private let started = ContinuousClock.now
    private let callback: (@Sendable (JobProgress) -> Void)?

    init(items: [RestoreItem], progress: (@Sendable (JobProgress) -> Void)?) {
        var report = RestoreReport()
        report.selected = items.count
        let progress0 = JobProgress(
            filesTotal: items.count, filesDone: 0, bytesTotal: items.reduce(0) { $0 + $1.size }, bytesDone: 0,
            failed: 0, elapsed: 0, lastPath: "")
        state = Mutex((report, progress0))
        callback = progress
    }

    func update(_ change: (inout RestoreReport) -> Void) {
        state.withLock { change(&$0.report) }
    }

    func present(_ item: RestoreItem) { finished(item) { $0.alreadyPresent += 1 } }

    func restored(_ item: RestoreItem, copied: Bool) {
        finished(item) {
            $0.restored += 1
            if copied { $0.localCopies += 1 }
        }
    }

    func failed(_ item: RestoreItem, _ message: String) {
        finished(item, failed: true) {
            $0.failures.append(RestoreFailure(library: item.library, path: item.path, message: message))
        }
    }

    func downloaded(bytes: Int64) {
        update {
            $0.downloads += 1
            $0.bytesDownloaded += bytes
        }
    }

    private func finished(_ item: RestoreItem, failed: Bool = false, _ change: (inout RestoreReport) -> Void) {
        let elapsed = seconds
        let snapshot = state.withLock { state -> JobProgress in
            change(&state.report)
            state.progress.filesDone += 1
            state.progress.bytesDone += item.size
            if failed { state.progress.failed += 1 }
            state.progress.elapsed = elapsed
            state.progress.lastPath = item.path
            return state.progress
        }
        callback?(snapshot)
    }

    func finish() -> RestoreReport {
        let elapsed = seconds
        return state.withLock { state in
            state.report.seconds = elapsed
            state.report.failures.sort { ($0.library, $0.path) < ($1.library, $1.path) }
            return state.report
        }
    }

    private var seconds: Double {
        let duration = ContinuousClock.now - started
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
