import Catalog
import Foundation
import Imaging
import Logging

/// Ingests folders into the catalog once (no cloud): walks each root, skips files unchanged since
/// the last scan, and hands the rest to a bounded set of worker threads that read each file once,
/// hash it, convert new image content and record everything.
///
/// Blocking work (file reads, MagickWand) runs on its own threads, never on Swift's cooperative pool.
package final class LibraryScanner: Sendable {
    let catalog: Catalog
    private let previews: PreviewStore
    let configuration: ScanConfiguration
    private let converter: ImageConverter
    private let logger: Logger

    /// A scanner writing to `catalog` and `previews`.
    package init(catalog: Catalog, previews: PreviewStore, configuration: ScanConfiguration = .init(), logger: Logger) {
        self.catalog = catalog
        self.previews = previews
        self.configuration = configuration
        self.converter = ImageConverter(configuration: configuration.imaging)
        self.logger = logger
    }

    /// Scans `roots` (folders) and returns what happened; `progress` is called from worker threads
    /// after each file, `queued` when new content's master was queued (before its previews are made).
    package func scan(
        roots: [String], progress: @escaping @Sendable (JobProgress) -> Void = { _ in },
        queued: @escaping @Sendable () -> Void = {}
    ) throws -> ScanSummary {
        let start = MonotonicClock.seconds()
        var summary = ScanSummary()
        try finishDescriptions()
        var jobs: [IngestJob] = []
        var listed: [(library: LibraryRecord, root: String, failures: [ScanFailure])] = []
        for root in roots {
            let absolute = try Self.resolve(root)
            let library = try catalog.library(root: absolute)
            let known = try catalog.files(libraryId: library.id!)
            let walk = FolderWalker(
                root: absolute, includeHidden: configuration.includeHidden, ignoredNames: configuration.ignoredNames
            ).walk()
            summary.filesSeen += walk.files.count
            summary.failures += walk.failures
            listed.append((library, absolute, walk.failures))
            let (changed, unchanged) = Self.partition(walk.files, known: known, library: library)
            jobs += changed
            summary.unchanged += unchanged.count
            try catalog.markSeen(fileIds: unchanged, at: Timestamp.now())
            let seen = Set(walk.files.map(\.relativePath))
            let gone = known.values.filter { $0.state == .present && !seen.contains($0.path) && !walk.hides($0.path) }
                .map(\.path)
            summary.missing += gone.count
            try catalog.markMissing(libraryId: library.id!, paths: gone)
        }
        let results = runWorkers(jobs, progress: progress, queued: queued)
        Self.tally(results, into: &summary)
        let unread = Self.readFailures(jobs: jobs, results: results)
        for (library, root, failures) in listed {
            try catalog.replaceReadProblems(
                libraryId: library.id!, scopes: [""],
                failures: Self.relative(failures + (unread[library.id!] ?? []), under: root, original: root))
        }
        summary.seconds = MonotonicClock.seconds() - start
        return summary
    }

    /// Files to ingest, and the ids of those unchanged since they were cataloged (same size, mtime and
    /// inode): those are only marked seen, which also undeletes one that came back. A file recorded without
    /// its content's asset (its ingest failed after hashing, or an earlier version wrote a copy before its
    /// content) is ingested again, which links it and queues what it lacks.
    static func partition(_ entries: [WalkedFile], known: [String: FileRecord], library: LibraryRecord)
        -> (jobs: [IngestJob], unchanged: [Int64])
    {
        var jobs: [IngestJob] = []
        var unchanged: [Int64] = []
        for entry in entries {
            if let old = known[entry.relativePath], old.sha256 != nil, old.assetId != nil, old.size == entry.size,
                old.mtimeNs == entry.mtimeNs, old.inode == entry.inode
            {
                unchanged.append(old.id!)
            } else {
                jobs.append(IngestJob(library: library, entry: entry))
            }
        }
        return (jobs, unchanged)
    }

    static func tally(_ results: [IngestResult], into summary: inout ScanSummary) {
        for result in results {
            switch result {
            case .recorded(let outcome):
                summary.ingested += 1
                summary.bytes += outcome.bytes
                if outcome.newAsset { summary.newAssets += 1 } else { summary.knownContent += 1 }
                summary.failures += outcome.failures
            case .failed(let failure):
                summary.failures.append(failure)
            }
        }
    }

    /// The failures of jobs that recorded nothing (the file could not be read), per library id.
    static func readFailures(jobs: [IngestJob], results: [IngestResult]) -> [Int64: [ScanFailure]] {
        var failures: [Int64: [ScanFailure]] = [:]
        for (job, result) in zip(jobs, results) {
            if case .failed(let failure) = result { failures[job.library.id!, default: []].append(failure) }
        }
        return failures
    }

    /// A fresh ingest for one run of workers (they share its content claims).
    var ingest: FileIngest {
        FileIngest(
            catalog: catalog, previews: previews, converter: converter, maxDecodeBytes: configuration.maxDecodeBytes,
            previewsInCloud: configuration.previewsInCloud, logger: logger)
    }

    /// Describes the placeholders a crash left (master queued, previews never made), from a present
    /// file that still holds their content; one that changed meanwhile is re-ingested by the scan.
    func finishDescriptions() throws {
        let pending = try catalog.undescribed()
        guard !pending.isEmpty else { return }
        logger.notice("finishing descriptions cut short", metadata: ["contents": "\(pending.count)"])
        let ingest = ingest
        for item in pending {
            ingest.finishDescription(
                sha256: item.sha256, libraryId: item.libraryId, absolutePath: item.root + "/" + item.path,
                relativePath: item.path)
        }
    }

    static func resolve(_ root: String) throws -> String {
        guard let resolved = realpath(root, nil) else {
            throw CatalogError(.io, root, detail: "cannot resolve folder: \(String(cString: strerror(errno)))")
        }
        defer { free(resolved) }
        var isFolder: ObjCBool = false
        let path = String(cString: resolved)
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw CatalogError(.io, root, detail: "not a folder")
        }
        return path
    }

    /// Runs `jobs` on `configuration.workers` threads and returns their results in job order.
    func runWorkers(
        _ jobs: [IngestJob], progress: @escaping @Sendable (JobProgress) -> Void,
        queued: @escaping @Sendable () -> Void = {}
    ) -> [IngestResult] {
        let state = WorkQueue(jobs: jobs, bytesTotal: jobs.reduce(0) { $0 + $1.entry.size })
        let group = DispatchGroup()
        var configured = ingest
        configured.queued = queued
        let ingest = configured
        let catalog = catalog
        for _ in 0..<min(max(1, configuration.workers), max(1, jobs.count)) {
            group.enter()
            let thread = Thread {
                let batch = RecordBatch()
                func write() {
                    let entries = batch.take()
                    guard !entries.isEmpty else { return }
                    do {
                        let recorded = try catalog.recordAll(entries.map(\.record))
                        for (entry, result) in zip(entries, recorded) {
                            state.revise(entry.index, newAsset: result.newAsset)
                        }
                    } catch {
                        for entry in entries {
                            state.revise(
                                entry.index, failure: ScanFailure(path: entry.path, code: "database", message: "\(error)"))
                        }
                    }
                    queued()  // their outbox rows exist now
                }
                while let (index, job) = state.next() {
                    if batch.isDue(before: job.entry.size) { write() }
                    let result = ingest.run(job) { batch.add(index: index, path: job.entry.absolutePath, record: $0) }
                    progress(state.finish(index, result))
                }
                write()
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        return state.results()
    }
}

/// Monotonic seconds for durations and rates.
enum MonotonicClock {
    static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
