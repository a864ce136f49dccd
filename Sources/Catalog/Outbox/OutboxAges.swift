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

    /// Rows of `kind` finished after `after` (an `OutboxTime` text), oldest first, with when each was queued and
    /// done: the latency from ingest to the cloud, observed once per row by the metrics.
    package func outboxFinished(kind: OutboxKind, after: String, limit: Int = 10_000) throws -> [(
        queued: Date, done: Date, doneText: String
    )] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT created_at, done_at FROM outbox
                    WHERE kind = ? AND done_at > ? AND last_error IS NOT ? ORDER BY done_at LIMIT ?
                    """, arguments: [kind.rawValue, after, OutboxNote.superseded, limit]
            ).compactMap { row in
                let doneText: String = row[1]
                guard let queued = OutboxTime.parse(row[0] as String?), let done = OutboxTime.parse(doneText) else {
                    return nil
                }
                return (queued, done, doneText)
            }
        }
    }
}
