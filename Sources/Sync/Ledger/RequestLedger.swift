import AzureStorage
import Catalog
import Foundation
import Logging
import Synchronization

/// Counts every answered request into the catalog by UTC day, operation, billing class and tier, so that
/// `ironviper cost` prices what was really sent (retries included) and the counts survive restarts.
///
/// Why no timer: the request that finds no write in progress writes, and keeps writing whatever arrived
/// meanwhile until nothing is pending; the others only add to memory. Under load the counts of many
/// requests share one transaction; idle, each is on disk before its request returns to the caller.
package final class RequestLedger: RequestObserver {
    private let catalog: Catalog
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let pending = Mutex<[RequestCount: Int]>([:])
    private let writing = NSLock()

    package init(catalog: Catalog, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.catalog = catalog
        self.logger = logger
        self.clock = clock
    }

    package func observe(_ record: RequestRecord) {
        let key = RequestCount(
            day: Self.day(clock()), service: record.service.rawValue, operation: record.operation,
            billingClass: record.billingClass.rawValue, tier: record.tier ?? "", requests: 0)
        pending.withLock { $0[key, default: 0] += 1 }
        while writing.try() {
            let written = drain()
            writing.unlock()
            guard written else { return }
            // A count added between the last drain and the unlock would wait for the next request: look again.
            if pending.withLock({ $0.isEmpty }) { return }
        }
    }

    /// Writes whatever is pending, waiting for a write in progress (a command's last step, tests).
    package func flush() {
        writing.lock()
        _ = drain()
        writing.unlock()
    }

    /// Writes pending counts until none are left; a failed write puts them back for the next one (false).
    private func drain() -> Bool {
        while true {
            let batch = pending.withLock { counts in
                defer { counts = [:] }
                return counts
            }
            guard !batch.isEmpty else { return true }
            let rows = batch.map { key, requests in
                var row = key
                row.requests = requests
                return row
            }
            do {
                try catalog.addRequestCounts(rows)
            } catch {
                logger.warning("request counts not written; kept for the next write", metadata: ["error": "\(error)"])
                pending.withLock { counts in
                    for (key, requests) in batch { counts[key, default: 0] += requests }
                }
                return false
            }
        }
    }

    /// The UTC day of `date`, as the catalog keys counts.
    package static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
