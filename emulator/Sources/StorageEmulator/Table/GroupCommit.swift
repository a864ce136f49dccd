import GRDB
import NIOConcurrencyHelpers

/// Runs many small write transactions as one SQLite commit.
///
/// Every commit is an fsync (`synchronous=FULL`), which costs milliseconds on a real disk; one
/// commit per request would cap the Queue and Table services at a few hundred writes a second.
/// Requests that arrive while a commit is in flight are queued and committed together by the
/// next one. Each job runs in its own savepoint, so one failing job rolls back only itself, and no
/// job's caller is answered before the commit that holds its work is durable.
final class GroupCommit: Sendable {
    /// Answers a job's caller once the commit's outcome is known.
    private typealias Answer = @Sendable (Result<Void, any Error>) -> Void

    private struct Job: Sendable {
        /// Runs the work inside the open transaction and returns how to answer the caller.
        let execute: @Sendable (Database) -> Answer
        /// Answers the caller when the transaction could not even start.
        let fail: @Sendable (any Error) -> Void
    }

    private struct State {
        var pending: [Job] = []
        var draining = false
    }

    private let database: any DatabaseWriter
    private let state = NIOLockedValueBox(State())

    init(database: any DatabaseWriter) { self.database = database }

    /// Runs `body` in a savepoint of a shared write transaction and returns its result once committed.
    /// An error thrown by `body` rolls back only `body`'s changes.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job = Job(
                execute: { db in
                    var outcome: Result<T, any Error> = .failure(StorageError.internalError("a write job did not run"))
                    do {
                        try db.inSavepoint {
                            do {
                                outcome = .success(try body(db))
                                return .commit
                            } catch {
                                outcome = .failure(error)
                                return .rollback
                            }
                        }
                    } catch {
                        outcome = .failure(error)
                    }
                    let settled = outcome
                    return { commit in
                        switch commit {
                        case .success: continuation.resume(with: settled)
                        case .failure(let error): continuation.resume(throwing: error)
                        }
                    }
                },
                fail: { error in continuation.resume(throwing: error) })
            let startDrain = state.withLockedValue { state -> Bool in
                state.pending.append(job)
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if startDrain { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let jobs = state.withLockedValue { state -> [Job] in
                let jobs = state.pending
                state.pending = []
                if jobs.isEmpty { state.draining = false }
                return jobs
            }
            guard !jobs.isEmpty else { return }
            let answers = NIOLockedValueBox<[Answer]>([])
            do {
                try await database.write { db in
                    let produced = jobs.map { $0.execute(db) }
                    answers.withLockedValue { $0 = produced }
                }
                for answer in answers.withLockedValue({ $0 }) { answer(.success(())) }
            } catch {
                // The commit failed: nothing of this group is durable, so every caller hears the error.
                let produced = answers.withLockedValue { $0 }
                if produced.count == jobs.count {
                    for answer in produced { answer(.failure(error)) }
                } else {
                    for job in jobs { job.fail(error) }
                }
            }
        }
    }
}
