import AzureStorage
import Foundation
import Logging
import Synchronization

/// A received extract message, held by this worker: its visibility is renewed while the work runs
/// (so a slow conversion is never handed to a second worker), and it ends deleted, released,
/// postponed or moved to the poison queue. Every call carries the newest pop receipt.
package final class MessageLease: Sendable {
    package let message: QueueMessage
    private let queue: String
    private let storage: StorageClient
    private let visibility: Duration
    private let logger: Logger
    private let receipt: Mutex<String>
    private let renewalCount = Mutex(0)
    private let visibleAt: Mutex<Date?>

    package init(
        _ message: QueueMessage, queue: String, storage: StorageClient, visibility: Duration, logger: Logger
    ) {
        self.message = message
        self.queue = queue
        self.storage = storage
        self.visibility = visibility
        self.logger = logger
        receipt = Mutex(message.popReceipt)
        visibleAt = Mutex(message.nextVisibleTime)
    }

    /// Runs `body` while renewing the message's visibility every half timeout. The renewal stops (and
    /// its last call completes) before this returns, so the next call has the final pop receipt.
    package func renewing<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let renewal = Task { await self.renewUntilCancelled() }
        defer { renewal.cancel() }
        let result = try await body()
        renewal.cancel()
        await renewal.value
        return result
    }

    private func renewUntilCancelled() async {
        while true {
            do {
                try await Task.sleep(for: visibility / 2)
            } catch {
                return
            }
            // Not cancellable once sent: a renewal cut off mid-call would leave an unknown receipt.
            let renewed = Task.detached { [self] in
                try await storage.queues.update(
                    queue: queue, messageID: message.id, popReceipt: receipt.withLock { $0 },
                    visibilityTimeout: visibility)
            }
            do {
                let answer = try await renewed.value
                receipt.withLock { $0 = answer.popReceipt }
                visibleAt.withLock { $0 = answer.nextVisibleTime }
                renewalCount.withLock { $0 += 1 }
            } catch {
                logger.warning(
                    "cannot renew a message's visibility; another worker may take it",
                    metadata: ["message": "\(message.id)", "error": "\(error)"])
                return
            }
        }
    }

    /// How many times the visibility was renewed.
    package var renewals: Int { renewalCount.withLock { $0 } }

    /// When the message becomes visible to other workers unless renewed again, as the service last said.
    package var visibleAgainAt: Date? { visibleAt.withLock { $0 } }

    /// The work is durable: the message goes. False when it was already gone (its visibility ran out
    /// and another worker finished it: the work is idempotent, so nothing is lost either way).
    @discardableResult
    package func delete() async throws -> Bool {
        try await storage.queues.delete(queue: queue, messageID: message.id, popReceipt: receipt.withLock { $0 })
    }

    /// Hides the message for `delay` with new text (its last error), so the next receive retries it.
    func postpone(for delay: Duration, text: String) async throws {
        try await update(visibility: delay, text: text)
    }

    /// Lets go at once (visibility 0), for another worker to take: this one is stopping.
    func release() async throws {
        try await update(visibility: .zero, text: nil)
    }

    private func update(visibility: Duration, text: String?) async throws {
        let answer = try await storage.queues.update(
            queue: queue, messageID: message.id, popReceipt: receipt.withLock { $0 }, visibilityTimeout: visibility,
            text: text)
        receipt.withLock { $0 = answer.popReceipt }
    }
}
