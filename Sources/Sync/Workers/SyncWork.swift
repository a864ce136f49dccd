import Catalog
import Foundation

/// One piece of the engine's work: a row on its own, or the `files` rows due together, written as
/// `$batch`es (`EntityBatch`).
enum SyncWork: Sendable {
    case row(OutboxRow)
    case entities([OutboxRow])

    /// The work for rows just found due, in their order; the `files` rows among them as one piece, where
    /// the first of them stood (two or more: a single one goes alone, as before batches).
    static func plan(_ rows: [OutboxRow]) -> [SyncWork] {
        let entities = rows.filter { $0.kind == .entity }
        guard entities.count > 1 else { return rows.map { .row($0) } }
        var work: [SyncWork] = []
        for row in rows {
            if row.kind != .entity {
                work.append(.row(row))
            } else if row.id == entities[0].id {
                work.append(.entities(entities))
            }
        }
        return work
    }
}

/// A row the engine ran and what became of it; no outcome when it was abandoned at shutdown (it stays
/// due for the next start).
typealias FinishedRow = (row: OutboxRow, outcome: OutboxOutcome?)

/// Rows finished but not yet recorded. They are recorded together, in one transaction, when a dozen have
/// gathered, before the engine looks for more rows (their follow-ups may be due), or when the oldest has
/// waited a moment (a row done beside long uploads is not left unrecorded for their whole length).
struct FinishedRows {
    private var rows: [FinishedRow] = []
    private var since: ContinuousClock.Instant?

    /// How many gather before they are recorded while rows are still queued.
    static let batch = 16
    /// How long the oldest waits at most while others run.
    static let wait = Duration.milliseconds(500)

    var isEmpty: Bool { rows.isEmpty }

    mutating func append(_ finished: [FinishedRow]) {
        guard !finished.isEmpty else { return }
        if rows.isEmpty { since = .now }
        rows += finished
    }

    /// Whether to record now.
    func due(queueEmpty: Bool) -> Bool {
        guard let since, !rows.isEmpty else { return false }
        return queueEmpty || rows.count >= Self.batch || since.duration(to: .now) >= Self.wait
    }

    /// The rows to record, leaving none.
    mutating func take() -> [FinishedRow] {
        defer {
            rows = []
            since = nil
        }
        return rows
    }
}
