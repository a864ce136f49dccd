import Foundation
import GRDB

/// One outbox row as the sync workers see it.
package struct OutboxRow: Sendable, Equatable {
    /// Row id.
    package var id: Int64
    /// What to do, with its details.
    package var work: OutboxWork
    /// Blob name, Table key or queue name.
    package var target: String
    /// The file and content it is for.
    package var fileId: Int64?
    package var assetId: Int64?
    /// Failed attempts so far.
    package var attempts: Int

    /// The row's kind.
    package var kind: OutboxKind { work.kind }
}

/// Rows a finished row adds or changes, in the transaction that marks it done.
package enum OutboxFollowUp: Sendable, Equatable {
    /// The master's content was replaced before its upload: marked so that the content seen again is
    /// queued again, and its previews and extract event (of a version no one can restore) dropped.
    case superseded
    /// Remove the content of this deleted version at `notBefore` (the retention of `mirror`).
    case purge(PathVersion, notBefore: Date)
    /// The master's version is protected until this date, as the service reported (`Catalog+Protection`).
    case protected(MasterProtection)
}

/// A row's kind and target: what verify asks "is this queued?" of.
package struct OutboxTarget: Hashable, Sendable {
    package var kind: OutboxKind
    package var target: String

    /// Makes one.
    package init(_ kind: OutboxKind, _ target: String) {
        self.kind = kind
        self.target = target
    }
}

/// The sync workers' reads and writes of the outbox table after a row is queued (`OutboxWriter` queues
/// them, in the transactions of the local facts): which rows are due, done, retried, parked or
/// deferred. The catalog's other questions about queued work (`Catalog+CloudQuestions`,
/// `Catalog+Inventory`, `Catalog+Device`) read the table too; all of it stays in this target. An
/// unreadable row is parked with no retry time, so it waits for `retryParked` (a newer version).
/// Times are `OutboxTime` text. The retry policy (how long to back off, when to park) is the
/// caller's; this records its decisions.
package struct Outbox: Sendable {
    let catalog: Catalog
    let clock: @Sendable () -> Date

    /// The outbox of `catalog`, with `clock` as now (tests move it forward).
    package init(catalog: Catalog, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.catalog = catalog
        self.clock = clock
    }

    var now: String { OutboxTime.format(clock()) }

    /// Rows waiting for an earlier row of the same content: an extract event or a reference for its
    /// master (the consumer downloads it; a master found superseded takes back the references written
    /// before it, and a later reference must not be among them), a master or rendition for the path's
    /// reference (a purge on another device must see the reference before this device relies on the
    /// blob being there), and a path's `files` row write (entity or delete) for the path's earlier one:
    /// each reads the catalog when it runs, so two in flight at once could land out of order (a retry of
    /// the older, hidden by a fault, arriving after the newer) and leave the row stale. Only an earlier
    /// row ever blocks a later one, so nothing waits in a circle. Each look names its index: with `outbox_due`
    /// (pending rows in id order) the planner walked every earlier pending row instead, quadratic in a full outbox.
    static func blocked(by prerequisite: String = "m.done_at IS NULL") -> String {
        """
        ((kind IN ('event', 'reference') AND EXISTS (SELECT 1 FROM outbox m INDEXED BY outbox_asset WHERE m.kind = 'master'
                                     AND m.asset_id = outbox.asset_id AND \(prerequisite) AND m.id < outbox.id))
         OR (kind IN ('master', 'rendition') AND EXISTS (SELECT 1 FROM outbox m INDEXED BY outbox_asset WHERE m.kind = 'reference'
                                     AND m.asset_id = outbox.asset_id AND \(prerequisite) AND m.id < outbox.id))
         OR (kind IN ('entity', 'delete') AND EXISTS (SELECT 1 FROM outbox m INDEXED BY outbox_target WHERE m.kind IN ('entity', 'delete')
                                     AND m.target = outbox.target AND m.file_id IS outbox.file_id
                                     AND \(prerequisite) AND m.id < outbox.id)))
        """
    }

    /// Pending rows due at `?`, not blocked, not parked for good, of kind `?` (or any when NULL), oldest first, at
    /// most `?`. Walks `outbox_due` in id order and stops after the first rows it can run (exposed for the test of
    /// its plan: a sort of every pending row on each look was most of a small-file backup's catalog time).
    package static let dueQuery = """
        SELECT id, kind, target, payload, file_id, asset_id, attempts FROM outbox
        WHERE done_at IS NULL AND (not_before IS NULL OR not_before <= ?) AND NOT \(blocked())
          AND NOT (parked_at IS NOT NULL AND not_before IS NULL) AND (? IS NULL OR kind = ?)
        ORDER BY id LIMIT ?
        """

    /// Up to `limit` rows due now, oldest first, skipping those in `busy`. A row this version cannot
    /// read is parked on the spot with the reason (never run as something else), and the look goes on
    /// past it, so unreadable rows never take the places of due ones.
    /// With `kind`, only rows of that kind (the sync gathers `files` rows of one partition into a `$batch`).
    package func due(limit: Int, excluding busy: Set<Int64>, kind: OutboxKind? = nil) throws -> [OutboxRow] {
        while true {
            let (rows, unreadable) = try catalog.read { [now] db in
                var rows: [OutboxRow] = []
                var unreadable: [(Int64, String)] = []
                let due = try db.cachedStatement(sql: Self.dueQuery)
                for row in try Row.fetchAll(
                    due, arguments: [now, kind?.rawValue, kind?.rawValue, limit + busy.count])
                {
                    let id: Int64 = row["id"]
                    guard !busy.contains(id), rows.count < limit else { continue }
                    do {
                        let work = try OutboxWork.decode(kind: row["kind"], payload: row["payload"])
                        rows.append(
                            OutboxRow(
                                id: id, work: work, target: row["target"], fileId: row["file_id"],
                                assetId: row["asset_id"], attempts: row["attempts"]))
                    } catch {
                        unreadable.append((id, "\(error)"))
                    }
                }
                return (rows, unreadable)
            }
            if unreadable.isEmpty { return rows }
            try catalog.write { [now] db in
                for (id, error) in unreadable {
                    try db.cachedStatement(
                        sql: "UPDATE outbox SET last_error = ?, parked_at = coalesce(parked_at, ?) WHERE id = ?"
                    ).execute(arguments: [error, now, id])
                }
            }
        }
    }

    /// Rows `drain` still waits for: not done, not parked, not a purge waiting for its retention,
    /// not one waiting for a parked prerequisite.
    package func outstanding() throws -> (count: Int, nextDue: Date?) {
        try catalog.read { [now] db in
            let filter = """
                done_at IS NULL AND parked_at IS NULL AND NOT (kind = 'purge' AND not_before > ?)
                AND NOT \(Self.blocked(by: "m.done_at IS NULL AND m.parked_at IS NOT NULL"))
                """
            let count = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT count(*) FROM outbox WHERE \(filter)"), arguments: [now]) ?? 0
            let next = try String.fetchOne(
                db.cachedStatement(sql: "SELECT min(not_before) FROM outbox WHERE \(filter) AND not_before > ?"),
                arguments: [now, now])
            return (count, OutboxTime.parse(next))
        }
    }

    /// Marks a row done, with its follow-ups in the same transaction.
    package func done(_ row: OutboxRow, followUps: [OutboxFollowUp] = []) throws {
        try record([(row, .done(followUps: followUps))])
    }

    /// Postpones a row without counting a failure (a purge waiting for its retention).
    package func postpone(_ row: OutboxRow, until date: Date) throws {
        try record([(row, .postponed(until: date))])
    }

    /// Records a failed attempt: the row is tried again at `retryAt`, and with `park` it is parked
    /// (shown by `status`, never holding up the rest) until then or until `retryParked`.
    package func failed(_ row: OutboxRow, error: String, park: Bool, retryAt: Date) throws {
        try record([(row, .failed(error: error, park: park, retryAt: retryAt))])
    }

    /// Records what became of many rows in one transaction: the sync finishes rows by the dozen, and a
    /// transaction each was a tenth of a small-file backup's CPU. A crash before it commits only runs the
    /// rows again, which every row allows.
    package func record(_ outcomes: [(row: OutboxRow, outcome: OutboxOutcome)]) throws {
        guard !outcomes.isEmpty else { return }
        try catalog.write { [now] db in
            for (row, outcome) in outcomes {
                switch outcome {
                case .done(let followUps): try Self.done(row, followUps: followUps, now: now, db: db)
                case .postponed(let date):
                    try db.cachedStatement(sql: "UPDATE outbox SET not_before = ? WHERE id = ?")
                        .execute(arguments: [OutboxTime.format(date), row.id])
                case .failed(let error, let park, let retryAt):
                    try db.cachedStatement(
                        sql: """
                            UPDATE outbox SET attempts = ?, last_error = ?, not_before = ?,
                                parked_at = CASE WHEN ? THEN coalesce(parked_at, ?) ELSE NULL END
                            WHERE id = ?
                            """
                    ).execute(arguments: [row.attempts + 1, error, OutboxTime.format(retryAt), park, now, row.id])
                }
            }
        }
    }

    /// Marks one row done, with its follow-ups, inside the caller's transaction.
    private static func done(_ row: OutboxRow, followUps: [OutboxFollowUp], now: String, db: Database) throws {
        try db.cachedStatement(
            sql: "UPDATE outbox SET done_at = ?, last_error = NULL, parked_at = NULL WHERE id = ?"
        ).execute(arguments: [now, row.id])
        for followUp in followUps {
            switch followUp {
            case .superseded:
                try db.cachedStatement(sql: "UPDATE outbox SET last_error = ? WHERE id = ?")
                    .execute(arguments: [OutboxNote.superseded, row.id])
                // A file that took the content up while this upload looked for a copy was recorded as if
                // the upload would happen: it gets a master row of its own (after its reference), and
                // the content's previews stay queued.
                if let holder = try Catalog.presentFile(sha256: row.target, db: db) {
                    try OutboxWriter.insert(
                        .master(try OutboxWriter.version(of: holder, db: db)), target: row.target,
                        fileId: holder.id,
                        assetId: holder.assetId, db: db)
                    continue
                }
                try db.cachedStatement(
                    sql: """
                        UPDATE outbox SET done_at = ?, last_error = ?
                        WHERE asset_id = ? AND kind IN ('rendition', 'event') AND done_at IS NULL
                        """
                ).execute(arguments: [now, OutboxNote.superseded, row.assetId])
            case .purge(let version, let notBefore):
                guard let sha = version.sha256 else { continue }
                try OutboxWriter.insert(
                    .purge(version), target: sha, fileId: row.fileId, assetId: row.assetId,
                    notBefore: OutboxTime.format(notBefore), db: db)
            case .protected(let protection):
                try Catalog.recordProtection(protection, db: db)
            }
        }
    }

    /// Makes every parked row due again with a fresh attempt count (the service is back, say).
    package func retryParked() throws -> Int {
        try catalog.write { db in
            try db.execute(
                sql: "UPDATE outbox SET parked_at = NULL, attempts = 0, not_before = NULL WHERE parked_at IS NOT NULL")
            return db.changesCount
        }
    }

    /// The outbox at a glance, for `status`.
    package func status() throws -> OutboxStatus {
        try OutboxStatus.read(from: catalog, now: clock())
    }
}

/// What became of a row the sync ran, as `Outbox.record` writes it.
package enum OutboxOutcome: Sendable, Equatable {
    /// Done; the follow-ups are written in the same transaction.
    case done(followUps: [OutboxFollowUp])
    /// Not yet: due again at this time, no failure counted.
    case postponed(until: Date)
    /// Failed: tried again at `retryAt`, and with `park` shown as parked until then.
    case failed(error: String, park: Bool, retryAt: Date)
}
