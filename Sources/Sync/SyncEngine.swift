import AzureStorage
import Catalog
import Foundation
import Logging
import Synchronization

/// Drains the catalog's outbox into Azure: takes due rows oldest first, runs them with bounded
/// concurrency, marks them done, backs off failures and parks rows that keep failing, so one bad
/// file never holds up the rest.
///
/// ```swift
/// let options = SyncOptions(previewsRoot: previews.root, device: DeviceKeys(device: "nas"))
/// let engine = SyncEngine(catalog: catalog, storage: storage, options: options, logger: logger)
/// let loop = Task { try await engine.run() }    // the daemon: until cancelled
/// engine.notify()                               // after an ingest: look now, not at the next poll
/// let report = try await engine.drain()         // `ironviper sync --wait`
/// ```
package final class SyncEngine: Sendable {
    /// The catalog whose outbox is drained.
    package let catalog: Catalog
    /// The options it runs with.
    package let options: SyncOptions
    private let outbox: Outbox
    private let worker: OutboxWorker
    private let logger: Logger
    private let busy = Mutex<Set<Int64>>([])
    private let wakeup = Wakeup()
    /// With previews in the cloud: what learns their descriptions, and when it last looked.
    private let descriptions: CloudDescriptions?
    private let lastLearned = Mutex<Date>(.distantPast)
    /// With immutable masters: when policies about to run out were last looked for.
    private let lastRenewal = Mutex<Date>(.distantPast)

    /// An engine over `catalog`'s outbox, talking to Azure (or the emulator) through `storage`.
    /// The caller keeps ownership of `storage` and shuts it down after the engine stops.
    package init(catalog: Catalog, storage: StorageClient, options: SyncOptions, logger: Logger) {
        self.catalog = catalog
        self.options = options
        self.logger = logger
        outbox = Outbox(catalog: catalog, clock: options.clock)
        worker = OutboxWorker(
            catalog: catalog, storage: storage, options: options,
            resources: CloudResources(storage: storage),
            limiter: options.bandwidthLimit.map { BandwidthLimiter(bytesPerSecond: $0) }, logger: logger)
        descriptions =
            options.previewsInCloud
            ? CloudDescriptions(catalog: catalog, storage: storage, device: options.device, logger: logger) : nil
    }

    /// Runs until the task is cancelled: a pass whenever rows are due, otherwise a sleep until
    /// `notify()` or the poll interval. In-flight rows finish before it returns; rows not started
    /// stay in the outbox for the next start.
    package func run() async throws {
        while !Task.isCancelled {
            let processed: Int
            do {
                processed = try await pass()
            } catch {
                // The catalog itself failed (disk full, locked): say so and try again later.
                logger.error("sync pass failed", metadata: ["error": "\(error)"])
                processed = 0
            }
            if processed == 0 {
                await learnDescriptions(force: false)
                if queueRenewals(force: false) > 0 { continue }
                await wakeup.wait(timeout: options.pollInterval)
                options.activity(.woke)
            }
        }
    }

    /// Wakes `run()` now: call it after recording new facts.
    package func notify() {
        wakeup.signal()
    }

    /// Works until the outbox holds nothing but parked rows (and purges waiting for their retention),
    /// then reports. Rows failing with back-off are waited for until done or parked.
    @discardableResult
    package func drain() async throws -> OutboxStatus {
        queueRenewals(force: true)
        while true {
            try Task.checkCancellation()
            if try await pass() > 0 { continue }
            let (count, nextDue) = try outbox.outstanding()
            if count == 0 { break }
            // Only rows in back-off remain: sleep until the first is due (at most a poll interval).
            let wait = nextDue.map { max(0.005, $0.timeIntervalSince(options.clock())) } ?? 0.05
            try await Task.sleep(for: .seconds(min(wait, options.pollInterval.seconds)))
        }
        await learnDescriptions(force: true)
        return try status()
    }

    /// With previews in the cloud, learns what the worker described since the last look (every
    /// `cloudDescriptionInterval`, or now when forced). A failure is logged and tried at the next look.
    private func learnDescriptions(force: Bool) async {
        guard let descriptions else { return }
        let now = options.clock()
        let due = lastLearned.withLock { last in
            guard force || now.timeIntervalSince(last) >= options.cloudDescriptionInterval.seconds else { return false }
            last = now
            return true
        }
        guard due else { return }
        do {
            try await descriptions.learn()
        } catch {
            logger.warning("cannot learn descriptions made in the cloud", metadata: ["error": "\(error)"])
        }
    }

    /// With immutable masters, queues the extension of every referenced master's policy that ends within the
    /// renewal margin (`MasterImmutability`), a batch per look, every `checkInterval` (or now when forced). The
    /// rows are ordinary outbox work: they survive a kill and are retried like every other cloud write. A catalog
    /// failure is logged and tried at the next look. Returns how many were queued.
    @discardableResult
    private func queueRenewals(force: Bool) -> Int {
        guard let immutability = options.immutability else { return 0 }
        let now = options.clock()
        let due = lastRenewal.withLock { last in
            guard force || now.timeIntervalSince(last) >= immutability.checkInterval.seconds else { return false }
            last = now
            return true
        }
        guard due else { return 0 }
        do {
            let queued = try catalog.queueProtectionRenewals(
                renewBefore: now.addingTimeInterval(immutability.renewalMargin.seconds), limit: immutability.batchSize)
            if queued > 0 {
                logger.info("extending masters' immutability", metadata: ["masters": "\(queued)"])
                // A full batch: look again at once for the rest rather than a whole interval later.
                if queued == immutability.batchSize { lastRenewal.withLock { $0 = .distantPast } }
            }
            return queued
        } catch {
            logger.warning("cannot look for masters' immutability to extend", metadata: ["error": "\(error)"])
            return 0
        }
    }

    /// Makes parked rows due again (after fixing what parked them); returns how many.
    @discardableResult
    package func retryParked() throws -> Int {
        let count = try outbox.retryParked()
        if count > 0 { notify() }
        return count
    }

    /// The outbox as `status` shows it.
    package func status() throws -> OutboxStatus {
        try outbox.status()
    }

    /// One pass: rows due now, `concurrency` at a time, until none is due. A slot that frees up takes
    /// the next due row at once (rows recorded meanwhile included), so one slow upload never holds the
    /// others idle until a whole batch is done. `files` rows due together go as one `$batch` per partition
    /// (`EntityBatch`), and what became of finished rows is recorded a dozen at a time, in one transaction
    /// (`Outbox.record`), before the next look for due rows. Returns how many were run.
    package func pass() async throws -> Int {
        let limit = max(1, options.concurrency)
        var queued: [SyncWork] = []
        var finished = FinishedRows()
        var total = 0
        /// More due rows, not already running; false when there are none.
        func refill() throws -> Bool {
            options.activity(.lookingStarted)
            defer { options.activity(.lookingFinished) }
            var rows = try outbox.due(limit: limit * 4, excluding: busy.withLock { $0 })
            // A `files` row due now gathers the others due after it, up to a full batch.
            if rows.contains(where: { $0.kind == .entity }) {
                let taken = busy.withLock { $0 }.union(rows.map(\.id))
                rows += try outbox.due(
                    limit: EntityBatch.capacity - rows.count { $0.kind == .entity }, excluding: taken, kind: .entity)
            }
            busy.withLock { $0.formUnion(rows.map(\.id)) }
            queued += SyncWork.plan(rows)
            total += rows.count
            return !rows.isEmpty
        }
        /// Records the finished rows and lets them go from `busy` (so their follow-ups can be due).
        func record() {
            guard !finished.isEmpty else { return }
            let outcomes = finished.take()
            options.activity(.lookingStarted)
            defer { options.activity(.lookingFinished) }
            do {
                try outbox.record(outcomes.compactMap { finished in finished.outcome.map { (finished.row, $0) } })
            } catch {
                logger.error(
                    "cannot record finished outbox rows", metadata: ["rows": "\(outcomes.count)", "error": "\(error)"])
            }
            busy.withLock { $0.subtract(outcomes.map(\.row.id)) }
        }
        guard try refill() else { return 0 }
        // Children answer the rows they finished, or nil when `notify()` (or the poll interval) woke the
        // listener: new facts while a long upload runs start without waiting for it.
        await withTaskGroup(of: [FinishedRow]?.self) { group in
            var running = 0
            var listening = false
            var more = true  // false when the last look found no row due (or the catalog could not say)
            while true {
                if finished.due(queueEmpty: queued.isEmpty) { record() }
                while running < limit, !Task.isCancelled, !queued.isEmpty || more {
                    if queued.isEmpty {
                        record()
                        do { more = try refill() } catch {
                            logger.error("cannot read the outbox", metadata: ["error": "\(error)"])
                            more = false
                        }
                        if !more { break }
                    }
                    let work = queued.removeFirst()
                    group.addTask { await self.execute(work) }
                    running += 1
                }
                guard running > 0 else { break }
                if !listening {
                    listening = true
                    group.addTask {
                        await self.wakeup.wait(timeout: self.options.pollInterval)
                        return nil
                    }
                }
                guard let next = await group.next() else { break }
                if let rows = next {
                    running -= 1
                    finished.append(rows)
                } else {
                    listening = false
                }
                more = true  // follow-ups of a finished row, or facts recorded meanwhile
            }
            group.cancelAll()  // the listener
            record()
        }
        return total
    }

    /// Runs one piece of work; what became of each row is returned for `Outbox.record`, never thrown.
    private func execute(_ work: SyncWork) async -> [FinishedRow] {
        switch work {
        case .row(let row):
            return [await execute(row)]
        case .entities(let rows):
            for row in rows { options.activity(.rowStarted(row.id)) }
            defer { for row in rows { options.activity(.rowFinished(row.id)) } }
            let plan: EntityBatch.Plan
            do {
                plan = try worker.entityBatches(rows)
            } catch {
                // The catalog could not describe them together: each row on its own says which failed.
                return await execute(alone: rows)
            }
            var finished: [FinishedRow] = plan.nothingToWrite.map { ($0, .done(followUps: [])) }
            for batch in plan.batches {
                do {
                    try await worker.send(batch)
                    finished += batch.rows.map { ($0, .done(followUps: [])) }
                } catch where error is CancellationError || Task.isCancelled {
                    finished += batch.rows.map { ($0, nil) }
                } catch let refused as AzureStorageError where (400..<500).contains(refused.status ?? 0) {
                    // The service refused an operation (one bad entity fails the whole batch): alone, each row
                    // gets its own retry and its own error.
                    finished += await execute(alone: batch.rows)
                } catch {
                    // Not answered, or the service failing: every row fails now and backs off. Running a hundred
                    // rows alone against a service that is down would take their retries one after another while
                    // all of them count as started (the watchdog would see a stuck loop).
                    finished += batch.rows.map { failed($0, error) }
                }
            }
            return finished + (await execute(alone: plan.alone))
        }
    }

    /// Runs rows one after the other.
    private func execute(alone rows: [OutboxRow]) async -> [FinishedRow] {
        var finished: [FinishedRow] = []
        for row in rows { finished.append(await execute(row)) }
        return finished
    }

    /// Runs one row; errors become back-off or parking. No outcome when shutting down (the row stays due
    /// for the next start).
    private func execute(_ row: OutboxRow) async -> FinishedRow {
        options.activity(.rowStarted(row.id))
        defer { options.activity(.rowFinished(row.id)) }
        do {
            return (row, try await worker.run(row))
        } catch where error is CancellationError || Task.isCancelled {
            return (row, nil)  // the client reports an aborted transfer as its own error
        } catch {
            return failed(row, error)
        }
    }

    /// A failed attempt of `row`: its back-off, or parking when it failed too often (or for good).
    private func failed(_ row: OutboxRow, _ error: any Error) -> FinishedRow {
        let permanent = (error as? SyncError)?.permanent ?? false
        let (parked, retryAt) = options.retry(attempt: row.attempts + 1, permanent: permanent, now: options.clock())
        logger.log(
            level: parked ? .error : .warning, parked ? "outbox row parked" : "outbox row failed, will retry",
            metadata: [
                "row": "\(row.id)", "kind": "\(row.kind.rawValue)", "target": "\(row.target)",
                "attempts": "\(row.attempts + 1)", "error": "\(error)",
            ])
        return (row, .failed(error: "\(error)", park: parked, retryAt: retryAt))
    }
}
