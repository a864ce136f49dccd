import Foundation
import GRDB

extension Catalog {
    /// When the oldest due row of each kind was queued (rows not done, not parked, not scheduled for later):
    /// an outbox that stops draining shows as this age growing, whatever its depth.
    package func outboxOldestDue(now: Date = Date()) throws -> [String: Date] {
        try read { db in
            var oldest: [String: Date] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT kind, min(created_at) FROM outbox
                    WHERE done_at IS NULL AND parked_at IS NULL AND (not_before IS NULL OR not_before <= ?)
                    GROUP BY kind
                    """, arguments: [OutboxTime.format(now)])
            {
                if let text: String = row[1], let date = OutboxTime.parse(text) { oldest[row[0]] = date }
            }
            return oldest
        }
    }
}
