import Foundation
import GRDB

/// The outbox at a glance, for `ironviper status` (read from the catalog file, so a second process
/// can show it while the daemon runs) and as `drain()`'s report.
package struct OutboxStatus: Codable, Sendable, Equatable {
    /// A row that failed too often, with why.
    package struct ParkedRow: Codable, Sendable, Equatable {
        /// Outbox row id, kind (as stored: a row this version cannot read is parked too) and target.
        package var id: Int64
        package var kind: String
        package var target: String
        /// The library and path it came from, when known.
        package var path: String?
        /// Failed attempts and the last error's text.
        package var attempts: Int
        package var lastError: String?
        /// When it was parked, and when it is tried again by itself.
        package var parkedAt: String?
        package var retryAt: String?
    }

    /// Rows waiting (not done, not parked) by kind; purges waiting for their retention are in `scheduledPurges`.
    package var pending: [String: Int]
    /// Bytes still to upload: masters and renditions waiting.
    package var bytesPending: Int64
    /// Mirror purges waiting for their retention period.
    package var scheduledPurges: Int
    /// Rows that cannot run before a parked row of the same content does (a master waiting for its
    /// parked reference, say): they go once it is retried.
    package var waitingOnParked: Int
    /// Rows done so far, and when the last one finished (ISO 8601; nil before the first).
    package var done: Int
    package var lastSuccess: String?
    /// Rows parked, oldest first.
    package var parked: [ParkedRow]

    /// Rows waiting in total.
    package var depth: Int { pending.values.reduce(0, +) }

    /// Reads the status from `catalog` as of `now`.
    package static func read(from catalog: Catalog, now: Date = Date()) throws -> OutboxStatus {
        let nowText = OutboxTime.format(now)
        return try catalog.read { db in
            var pending: [String: Int] = [:]
            var scheduled = 0
            var waiting = 0
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT kind, (kind = 'purge' AND not_before > ?) AS later,
                           \(Outbox.blocked(by: "m.done_at IS NULL AND m.parked_at IS NOT NULL")) AS stuck,
                           count(*) AS n
                    FROM outbox WHERE done_at IS NULL AND parked_at IS NULL GROUP BY kind, later, stuck
                    """,
                arguments: [nowText])
            {
                let count: Int = row["n"]
                if row["later"] as Bool {
                    scheduled += count
                } else if row["stuck"] as Bool {
                    waiting += count
                } else {
                    pending[row["kind"], default: 0] += count
                }
            }
            let bytes =
                try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT coalesce(sum(coalesce(json_extract(o.payload, '$.size'), a.size, 0)), 0) FROM outbox o
                        LEFT JOIN assets a ON a.id = o.asset_id
                        WHERE o.done_at IS NULL AND o.parked_at IS NULL AND o.kind IN ('master', 'rendition')
                        """) ?? 0
            let done = try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE done_at IS NOT NULL") ?? 0
            let last = try String.fetchOne(db, sql: "SELECT max(done_at) FROM outbox")
            let parked = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, kind, target, payload, attempts, last_error, parked_at, not_before FROM outbox
                    WHERE done_at IS NULL AND parked_at IS NOT NULL ORDER BY id
                    """
            ).map { row -> ParkedRow in
                let work = try? OutboxWork.decode(kind: row["kind"], payload: row["payload"])
                let path = work?.version.map { $0.library + "/" + $0.path }
                return ParkedRow(
                    id: row["id"], kind: row["kind"], target: row["target"], path: path, attempts: row["attempts"],
                    lastError: row["last_error"], parkedAt: row["parked_at"], retryAt: row["not_before"])
            }
            return OutboxStatus(
                pending: pending, bytesPending: bytes, scheduledPurges: scheduled, waitingOnParked: waiting, done: done,
                lastSuccess: last, parked: parked)
        }
    }

    /// Reads the status from the catalog file at `path` (opening it; for a second process).
    package static func read(catalogPath path: String, now: Date = Date()) throws -> OutboxStatus {
        try read(from: Catalog(path: path), now: now)
    }
}
