import Foundation

/// One file to ingest.
struct IngestJob: Sendable {
    var library: LibraryRecord
    var entry: WalkedFile
}

/// What ingesting one file produced.
enum IngestResult: Sendable {
    struct Outcome: Sendable {
        var bytes: Int64
        var newAsset: Bool
        var failures: [ScanFailure]
    }
    case recorded(Outcome)
    case failed(ScanFailure)
}

/// Hands jobs to worker threads and gathers results and progress under one lock.
final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let jobs: [IngestJob]
    private var nextIndex = 0
    private var collected: [IngestResult?]
    private var progress: JobProgress
    private let start = MonotonicClock.seconds()

    init(jobs: [IngestJob], bytesTotal: Int64) {
        self.jobs = jobs
        collected = Array(repeating: nil, count: jobs.count)
        progress = JobProgress(
            filesTotal: jobs.count, filesDone: 0, bytesTotal: bytesTotal, bytesDone: 0, failed: 0, elapsed: 0,
            lastPath: "")
    }

    func next() -> (Int, IngestJob)? {
        lock.withLock {
            guard nextIndex < jobs.count else { return nil }
            defer { nextIndex += 1 }
            return (nextIndex, jobs[nextIndex])
        }
    }

    func finish(_ index: Int, _ result: IngestResult) -> JobProgress {
        lock.withLock {
            collected[index] = result
            progress.filesDone += 1
            progress.bytesDone += jobs[index].entry.size
            switch result {
            case .failed: progress.failed += 1
            case .recorded(let outcome) where !outcome.failures.isEmpty: progress.failed += 1
            default: break
            }
            progress.elapsed = MonotonicClock.seconds() - start
            progress.lastPath = jobs[index].entry.absolutePath
            return progress
        }
    }

    func results() -> [IngestResult] {
        lock.withLock { collected.compactMap { $0 } }
    }
}
