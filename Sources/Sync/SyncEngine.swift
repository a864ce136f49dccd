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
    /// others idle until a whole batch is done. Returns how many were run.
    package func pass() async throws -> Int {
        let limit = max(1, options.concurrency)
        var queued: [OutboxRow] = []
        var total = 0
        /// More due rows, not already running; false when there are none.
        func refill() throws -> Bool {
            options.activity(.lookingStarted)
            defer { options.activity(.lookingFinished) }
            let rows = try outbox.due(limit: limit * 4, excluding: busy.withLock { $0 })
            busy.withLock { $0.formUnion(rows.map(\.id)) }
            queued += rows
            total += rows.count
            return !rows.isEmpty
        }
        guard try refill() else { return 0 }
        // Children answer true when a row finished, false when `notify()` (or the poll interval)
        // woke the listener: new facts while a long upload runs start without waiting for it.
        await withTaskGroup(of: Bool.self) { group in
            var running = 0
            var listening = false
            var more = true  // false when the last look found no row due (or the catalog could not say)
            while true {
                while running < limit, !Task.isCancelled, !queued.isEmpty || more {
                    if queued.isEmpty {
                        do { more = try refill() } catch {
                            logger.error("cannot read the outbox", metadata: ["error": "\(error)"])
                            more = false
                        }
                        if !more { break }
                    }
                    let row = queued.removeFirst()
                    group.addTask {
                        await self.execute(row)
                        return true
                    }
                    running += 1
                }
                guard running > 0 else { break }
                if !listening {
                    listening = true
                    group.addTask {
                        await self.wakeup.wait(timeout: self.options.pollInterval)
                        return false
                    }
                }
                guard let rowFinished = await group.next() else { break }
                if rowFinished { running -= 1 } else { listening = false }
                more = true  // follow-ups of a finished row, or facts recorded meanwhile
            }
            group.cancelAll()  // the listener
        }
        return total
    }

    /// Runs one row and records its outcome; errors become back-off or parking, never a thrown error.
    private func execute(_ row: OutboxRow) async {
        options.activity(.rowStarted(row.id))
        defer {
            _ = busy.withLock { $0.remove(row.id) }
            options.activity(.rowFinished(row.id))
        }
        do {
            switch try await worker.run(row) {
            case .done(let followUps):
                try outbox.done(row, followUps: followUps)
            case .postponed(let date):
                try outbox.postpone(row, until: date)
            }
        } catch is CancellationError {
            return  // shutting down: the row stays due for the next start
        } catch  where Task.isCancelled {
            return  // the client reports an aborted transfer as its own error
        } catch {
            let permanent = (error as? SyncError)?.permanent ?? false
            do {
                let (parked, retryAt) = options.retry(
                    attempt: row.attempts + 1, permanent: permanent, now: options.clock())
                try outbox.failed(row, error: "\(error)", park: parked, retryAt: retryAt)
                logger.log(
                    level: parked ? .error : .warning, parked ? "outbox row parked" : "outbox row failed, will retry",
                    metadata: [
                        "row": "\(row.id)", "kind": "\(row.kind.rawValue)", "target": "\(row.target)",
                        "attempts": "\(row.attempts + 1)", "error": "\(error)",
                    ])
            } catch {
                logger.error("cannot record an outbox failure", metadata: ["row": "\(row.id)", "error": "\(error)"])
            }
        }
    }
}
