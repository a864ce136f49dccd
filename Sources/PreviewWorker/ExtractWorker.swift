import AzureStorage
import Catalog
import Foundation
import Imaging
import Logging
import Sync

/// `ironviper worker`: consumes the extract queue until cancelled (SIGTERM) or, with `idleExit`,
/// until the queue stayed empty that long. At least once, effectively once: a message is deleted
/// only after its previews and rows are in the cloud, and repeating one is harmless (`ExtractJob`).
///
/// ```swift
/// let worker = ExtractWorker(storage: client, options: options, logger: logger)
/// let summary = try await worker.run()
/// ```
package final class ExtractWorker: Sendable {
    private let storage: StorageClient
    private let options: WorkerOptions
    private let logger: Logger
    private let resources: CloudResources
    private let job: ExtractJob

    package init(storage: StorageClient, options: WorkerOptions, logger: Logger) {
        self.storage = storage
        self.options = options
        self.logger = logger
        resources = CloudResources(storage: storage)
        job = ExtractJob(storage: storage, options: options, resources: resources, logger: logger)
    }

    /// What a run did.
    package struct Summary: Sendable, Equatable {
        package var described = 0
        package var unconvertible = 0
        package var retried = 0
        package var poisoned = 0
        package var released = 0
    }

    private enum Finished: Sendable {
        case message(WorkerEvent?)
        case tick
    }

    /// Works messages, `concurrency` at a time, until cancelled or idle for `idleExit`. On
    /// cancellation the messages held are finished (a conversion under way completes) or released.
    package func run() async throws -> Summary {
        try await resources.ensure(queue: options.queue)
        var summary = Summary()
        let limit = max(1, options.concurrency)
        var idleSince: ContinuousClock.Instant?
        var delay: Duration = .milliseconds(100)
        await withTaskGroup(of: Finished.self) { group in
            var running = 0
            var ticking = false
            while !Task.isCancelled {
                var received = 0
                if running < limit {
                    for message in await receive(count: limit - running) {
                        group.addTask { .message(await self.work(message)) }
                        running += 1
                        received += 1
                    }
                }
                if received > 0 {
                    (idleSince, delay) = (nil, .milliseconds(100))
                    continue
                }
                if running == 0 {
                    let now = ContinuousClock.now
                    let since = idleSince ?? now
                    idleSince = since
                    if let idleExit = options.idleExit, now - since >= idleExit { break }
                }
                if !ticking {
                    ticking = true
                    let wait = running < limit ? delay : options.maxPollInterval
                    group.addTask {
                        try? await Task.sleep(for: wait)
                        return .tick
                    }
                }
                guard let finished = await group.next() else { break }
                switch finished {
                case .tick:
                    ticking = false
                    delay = min(delay * 2, options.maxPollInterval)
                case .message(let event):
                    running -= 1
                    summary.count(event)
                }
            }
            // Stopping: the held messages finish or are released; the tick needs no waiting for.
            while let finished = await group.next() {
                if case .message(let event) = finished { summary.count(event) }
            }
        }
        return summary
    }

    /// Up to `count` messages (at most 32, Azure's limit), hidden for the visibility timeout; none when
    /// the queue cannot be read (said in the log, tried again after the poll delay).
    private func receive(count: Int) async -> [QueueMessage] {
        do {
            return try await storage.queues.get(
                queue: options.queue, count: min(32, count), visibilityTimeout: options.visibilityTimeout)
        } catch {
            if !Task.isCancelled {
                logger.warning("cannot receive from the queue", metadata: ["queue": "\(options.queue)", "error": "\(error)"])
            }
            return []
        }
    }

    /// One message from receive to its end: deleted, postponed, poisoned or released.
    private func work(_ received: QueueMessage) async -> WorkerEvent? {
        let lease = MessageLease(
            received, queue: options.queue, storage: storage, visibility: options.visibilityTimeout, logger: logger)
        let message: ExtractMessage
        let request: ExtractJob.Request
        do {
            message = try ExtractMessage.parse(received.text)
        } catch {
            return await poison(lease, text: PoisonRecord.raw(received.text, error: "\(error)"), error: "\(error)")
        }
        do {
            request = try ExtractJob.Request(message)
        } catch {
            return await poison(lease, text: message.failed("\(error)").json(), error: "\(error)")
        }
        report(.started(id: received.id, sha256: message.sha256, dequeueCount: received.dequeueCount))
        logger.info(
            "working", metadata: ["sha256": "\(message.sha256)", "dequeueCount": "\(received.dequeueCount)"])
        if received.dequeueCount > options.maxDequeueCount {
            let error =
                message.lastError
                ?? "received \(received.dequeueCount) times without an answer (a worker stopped or timed out holding it)"
            return await poison(lease, text: message.failed(error).json(), error: error)
        }
        do {
            let outcome = try await lease.renewing { try await job.run(message, request) }
            // The work is durable: delete even when stopping (a release would have it done twice).
            _ = try await Task.detached { try await lease.delete() }.value
            return finished(outcome, message, id: received.id)
        } catch where Task.isCancelled {
            return await release(lease)
        } catch {
            return await retryOrPoison(lease, message, error: String("\(error)".prefix(2000)))
        }
    }

    /// Logs and reports a message worked to its end.
    private func finished(_ outcome: ExtractJob.Outcome, _ message: ExtractMessage, id: String) -> WorkerEvent {
        switch outcome {
        case .described(let uploaded, let rows):
            logger.info(
                "described", metadata: ["sha256": "\(message.sha256)", "uploaded": "\(uploaded)", "rows": "\(rows)"])
            return report(.described(id: id, sha256: message.sha256, renditions: uploaded, rows: rows))
        case .unconvertible(let reason, let rows):
            logger.notice(
                "no previews possible", metadata: ["sha256": "\(message.sha256)", "reason": "\(reason)", "rows": "\(rows)"])
            return report(.unconvertible(id: id, sha256: message.sha256, reason: reason))
        }
    }

    /// Stopping: the message goes back to the queue at once rather than after its visibility timeout.
    private func release(_ lease: MessageLease) async -> WorkerEvent? {
        do {
            try await Task.detached { try await lease.release() }.value
            return report(.released(id: lease.message.id))
        } catch {
            logger.warning("cannot release a message; it returns after its visibility timeout",
                           metadata: ["message": "\(lease.message.id)", "error": "\(error)"])
            return nil
        }
    }

    /// A transient failure: the message comes back after a growing delay with the error in its text, or goes to
    /// the poison queue once it has been tried `maxDequeueCount` times.
    private func retryOrPoison(_ lease: MessageLease, _ message: ExtractMessage, error: String) async -> WorkerEvent? {
        let dequeueCount = lease.message.dequeueCount
        if dequeueCount >= options.maxDequeueCount {
            return await poison(lease, text: message.failed(error).json(), error: error)
        }
        let delay = options.retryDelay * (1 << min(10, dequeueCount - 1))
        logger.warning("will retry", metadata: ["sha256": "\(message.sha256)", "error": "\(error)", "after": "\(delay)"])
        do {
            try await lease.postpone(for: delay, text: message.failed(error).json())
        } catch {
            logger.warning("cannot postpone a message; it returns after its visibility timeout",
                           metadata: ["message": "\(lease.message.id)", "error": "\(error)"])
        }
        return report(.retrying(id: lease.message.id, error: error))
    }

    private func poison(_ lease: MessageLease, text: String, error: String) async -> WorkerEvent? {
        do {
            try await resources.ensure(queue: options.poisonQueue)
            // Never expires: someone has to look at it (`ironviper status` counts them).
            try await storage.queues.put(queue: options.poisonQueue, text: text, timeToLive: .seconds(-1))
            try await lease.delete()
            logger.error("moved to the poison queue", metadata: ["message": "\(lease.message.id)", "error": "\(error)"])
            return report(.poisoned(id: lease.message.id, error: error))
        } catch {
            logger.warning("cannot move a message to the poison queue; it returns after its visibility timeout",
                           metadata: ["message": "\(lease.message.id)", "error": "\(error)"])
            return nil
        }
    }

    @discardableResult
    private func report(_ event: WorkerEvent) -> WorkerEvent {
        options.events(event)
        return event
    }
}

extension ExtractWorker.Summary {
    mutating func count(_ event: WorkerEvent?) {
        switch event {
        case .described: described += 1
        case .unconvertible: unconvertible += 1
        case .retrying: retried += 1
        case .poisoned: poisoned += 1
        case .released: released += 1
        case .started, nil: break
        }
    }
}

/// The text of a poison message whose original could not even be read as an extract message.
enum PoisonRecord {
    static func raw(_ text: String, error: String) -> String {
        let object: [String: String] = ["raw": String(text.prefix(32_000)), "lastError": error]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(object)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
