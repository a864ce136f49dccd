import Catalog
import Foundation
import GRDB

/// One outbox row as the workers see it.
public struct OutboxRow: Sendable, Equatable {
    /// Row id.
    public var id: Int64
    /// What to do.
    public var kind: OutboxKind
    /// Blob name, Table key or queue name.
    public var target: String
    /// Details captured with the local fact.
    public var payload: OutboxPayload
    /// The file and content it is for.
    public var fileId: Int64?
    public var assetId: Int64?
    /// Failed attempts so far.
    public var attempts: Int
}

/// The sync engine's reads and writes of the outbox table: which rows are due, done, retried,
/// parked or deferred. Times are ISO 8601 with milliseconds, so they compare as text.
struct OutboxStore: Sendable {
    let catalog: Catalog
    let clock: @Sendable () -> Date

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func parse(_ text: String?) -> Date? {
        guard let text else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    var now: String { Self.format(clock()) }

    // An extract event is sent only once its master is up (the consumer downloads it).
    static let eventBlocked = """
        (kind = 'event' AND EXISTS (SELECT 1 FROM outbox m WHERE m.kind = 'master' AND m.asset_id = outbox.asset_id
                                    AND m.done_at IS NULL AND m.id < outbox.id))
        """

    /// Up to `limit` rows due now, oldest first, skipping those in `busy`.
    func due(limit: Int, excluding busy: Set<Int64>) throws -> [OutboxRow] {
        try catalog.read { [now] db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, kind, target, payload, file_id, asset_id, attempts FROM outbox
                    WHERE done_at IS NULL AND (not_before IS NULL OR not_before <= ?) AND NOT \(Self.eventBlocked)
                    ORDER BY id LIMIT ?
                    """,
                arguments: [now, limit + busy.count])
            return rows.compactMap { row -> OutboxRow? in
                let id: Int64 = row["id"]
                guard !busy.contains(id) else { return nil }
                return OutboxRow(
                    id: id, kind: OutboxKind(rawValue: row["kind"]) ?? .entity, target: row["target"],
                    payload: OutboxPayload.decoded(row["payload"]), fileId: row["file_id"], assetId: row["asset_id"],
                    attempts: row["attempts"])
            }.prefix(limit).map { $0 }
        }
    }

    /// Rows `drain` still waits for: not done, not parked, not a purge waiting for its retention,
    /// not an event whose master is parked.
    func outstanding() throws -> (count: Int, nextDue: Date?) {
        try catalog.read { [now] db in
            let filter = """
                done_at IS NULL AND parked_at IS NULL AND NOT (kind = 'purge' AND not_before > ?)
                AND NOT (kind = 'event' AND EXISTS (SELECT 1 FROM outbox m WHERE m.kind = 'master'
                         AND m.asset_id = outbox.asset_id AND m.done_at IS NULL AND m.parked_at IS NOT NULL))
                """
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE \(filter)", arguments: [now]) ?? 0
            let next = try String.fetchOne(
                db, sql: "SELECT min(not_before) FROM outbox WHERE \(filter) AND not_before > ?", arguments: [now, now])
            return (count, Self.parse(next))
        }
    }

    /// Marks a row done; `then` runs in the same transaction (follow-up rows).
    func done(_ row: OutboxRow, then follow: (@Sendable (Database) throws -> Void)? = nil) throws {
        try catalog.write { [now] db in
            try db.execute(
                sql: "UPDATE outbox SET done_at = ?, last_error = NULL, parked_at = NULL WHERE id = ?",
                arguments: [now, row.id])
            try follow?(db)
        }
    }

    /// Postpones a row without counting a failure (a purge waiting for its retention).
    func postpone(_ row: OutboxRow, until date: Date) throws {
        try catalog.write { db in
            try db.execute(sql: "UPDATE outbox SET not_before = ? WHERE id = ?", arguments: [Self.format(date), row.id])
        }
    }

    /// Records a failure: a back-off with jitter, or parking after `maxAttempts` (or at once when
    /// the error is permanent). Returns true when the row was parked.
    @discardableResult
    func failed(_ row: OutboxRow, error: String, permanent: Bool, options: SyncOptions) throws -> Bool {
        let attempts = row.attempts + 1
        let park = permanent || attempts >= options.maxAttempts
        let current = clock()
        let delay: Duration
        if park {
            delay = options.parkedRetryInterval
        } else {
            var base = options.retryDelay
            for _ in 1..<attempts where base < options.maxRetryDelay { base = base * 2 }
            delay = min(base, options.maxRetryDelay) * (1 - 0.5 * Double.random(in: 0...1))
        }
        let notBefore = Self.format(current.addingTimeInterval(delay.seconds))
        try catalog.write { [now] db in
            try db.execute(
                sql: """
                    UPDATE outbox SET attempts = ?, last_error = ?, not_before = ?,
                        parked_at = CASE WHEN ? THEN coalesce(parked_at, ?) ELSE NULL END
                    WHERE id = ?
                    """,
                arguments: [attempts, error, notBefore, park, now, row.id])
        }
        return park
    }

    /// Makes every parked row due again with a fresh attempt count (the service is back, say).
    func retryParked() throws -> Int {
        try catalog.write { db in
            try db.execute(
                sql: "UPDATE outbox SET parked_at = NULL, attempts = 0, not_before = NULL WHERE parked_at IS NOT NULL")
            return db.changesCount
        }
    }
}

extension Duration {
    /// The duration in seconds, for `Date` arithmetic.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
