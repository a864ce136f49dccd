import Catalog
import Foundation
import Synchronization

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
final class WorkQueue: Sendable {
    private struct State {
        var nextIndex = 0
        var collected: [IngestResult?]
        var progress: JobProgress
    }

    private let jobs: [IngestJob]
    private let state: Mutex<State>
    private let start = MonotonicClock.seconds()

    init(jobs: [IngestJob], bytesTotal: Int64) {
        self.jobs = jobs
        state = Mutex(
            State(
                collected: Array(repeating: nil, count: jobs.count),
                progress: JobProgress(
                    filesTotal: jobs.count, filesDone: 0, bytesTotal: bytesTotal, bytesDone: 0, failed: 0, elapsed: 0,
                    lastPath: "")))
    }

    func next() -> (Int, IngestJob)? {
        state.withLock { state in
            guard state.nextIndex < jobs.count else { return nil }
            defer { state.nextIndex += 1 }
            return (state.nextIndex, jobs[state.nextIndex])
        }
    }

    func finish(_ index: Int, _ result: IngestResult) -> JobProgress {
        state.withLock { state in
            state.collected[index] = result
            state.progress.filesDone += 1
            state.progress.bytesDone += jobs[index].entry.size
            switch result {
            case .failed: state.progress.failed += 1
            case .recorded(let outcome) where !outcome.failures.isEmpty: state.progress.failed += 1
            default: break
            }
            state.progress.elapsed = MonotonicClock.seconds() - start
            state.progress.lastPath = jobs[index].entry.absolutePath
            return state.progress
        }
    }

    /// Corrects a result after its deferred record was written (`RecordBatch`): whether it made the asset, or the
    /// write's failure.
    func revise(_ index: Int, newAsset: Bool) {
        state.withLock { state in
            if case .recorded(var outcome) = state.collected[index] {
                outcome.newAsset = newAsset
                state.collected[index] = .recorded(outcome)
            }
        }
    }

    func revise(_ index: Int, failure: ScanFailure) {
        state.withLock { state in
            state.collected[index] = .failed(failure)
            state.progress.failed += 1
        }
    }

    func results() -> [IngestResult] {
        state.withLock { $0.collected.compactMap { $0 } }
    }
}
