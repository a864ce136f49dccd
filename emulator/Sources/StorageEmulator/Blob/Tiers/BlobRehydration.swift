import Foundation
import GRDB

/// Azure's rehydrate priorities (`x-ms-rehydrate-priority`); Standard when the header is absent.
enum RehydratePriority: String, Sendable {
    case standard = "Standard"
    case high = "High"

    /// The request's priority; anything but Standard or High is 400 `InvalidHeaderValue`.
    static func parse(_ request: StorageRequest) throws -> RehydratePriority {
        guard let value = request.header("x-ms-rehydrate-priority") else { return .standard }
        guard let priority = [Self.standard, .high].first(where: { $0.rawValue.lowercased() == value.lowercased() }) else {
            throw StorageError.invalidHeader("x-ms-rehydrate-priority", value, "Expected Standard or High.")
        }
        return priority
    }
}

/// How long the emulator takes to bring a blob back from Archive. Azure takes up to 15 hours (Standard) or about
/// one (High); the emulator takes seconds by default, long enough that a client always sees the pending state.
public struct RehydrationDelays: Sendable, Equatable {
    public var standard: Duration
    public var high: Duration

    /// High priority completes in half the Standard time, as it is faster on Azure too.
    public init(standard: Duration = .seconds(5), high: Duration? = nil) {
        self.standard = standard
        self.high = high ?? standard / 2
    }

    func delay(_ priority: RehydratePriority) -> TimeInterval {
        let duration = priority == .high ? high : standard
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// A pending rehydration of an archived blob: the tier stays Archive until `due`, then becomes `toTier`. Started by
/// Set Blob Tier, or by Copy Blob of an archived blob (`byCopy`: the destination's copy is pending until then too).
struct BlobRehydration: Sendable, Equatable {
    var toTier: String
    var priority: RehydratePriority
    var due: Double
    var byCopy: Bool

    /// `x-ms-archive-status` / `ArchiveStatus`: `rehydrate-pending-to-hot`, `-cool` or `-cold`.
    var archiveStatus: String { "rehydrate-pending-to-" + toTier.lowercased() }

    static func fetch(_ db: Database, blobID: Int64) throws -> BlobRehydration? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT to_tier, priority, due, by_copy FROM blob_rehydrations WHERE blob_id = ?"),
            arguments: [blobID]
        ).map {
            BlobRehydration(
                toTier: $0[0], priority: RehydratePriority(rawValue: $0[1]) ?? .standard, due: $0[2], byCopy: $0[3])
        }
    }

    /// Starts (or, for a priority raised to High, shortens) the rehydration of a blob.
    func save(_ db: Database, blobID: Int64) throws {
        try db.executeCached(
            sql: "INSERT OR REPLACE INTO blob_rehydrations (blob_id, to_tier, priority, due, by_copy) VALUES (?, ?, ?, ?, ?)",
            arguments: [blobID, toTier, priority.rawValue, due, byCopy])
    }

    /// Forgets a blob's rehydration: its content was replaced, so there is nothing left to bring back.
    static func cancel(_ db: Database, blobID: Int64) throws {
        try db.executeCached(sql: "DELETE FROM blob_rehydrations WHERE blob_id = ?", arguments: [blobID])
    }

    /// The earliest due time of any pending rehydration.
    static func nextDue(_ db: Database) throws -> Double? {
        try Double.fetchOne(db.cachedStatement(sql: "SELECT MIN(due) FROM blob_rehydrations"))
    }

    /// Completes every rehydration due by `now`: the blob takes its new tier (changed at the due time) and a copy
    /// that waited for it succeeds. Returns how many completed.
    @discardableResult
    static func completeDue(_ db: Database, now: Double) throws -> Int {
        let due = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT blob_id, to_tier, due, by_copy FROM blob_rehydrations WHERE due <= ?"),
            arguments: [now])
        for row in due {
            let blobID: Int64 = row[0], tier: String = row[1], at: Double = row[2], byCopy: Bool = row[3]
            // Not a previous version (its state is kept as it was); a soft-deleted blob completes, so Undelete Blob
            // brings it back rehydrated.
            try db.executeCached(
                sql: "UPDATE blobs SET tier = ?, tier_changed = ? WHERE id = ? AND (retired = '' OR retired GLOB 'deleted/*')",
                arguments: [tier, at, blobID])
            if byCopy {
                try db.executeCached(
                    sql: """
                        UPDATE blobs SET copy_status = 'success', copy_completed = ?,
                            copy_progress = content_length || '/' || content_length WHERE id = ?
                        """, arguments: [at, blobID])
            }
        }
        try db.executeCached(sql: "DELETE FROM blob_rehydrations WHERE due <= ?", arguments: [now])
        return due.count
    }
}
