import Foundation
import GRDB
import Logging

/// Purges soft-deleted blobs, snapshots, versions and containers once their retention has passed (`purge_after`,
/// fixed when they were deleted), their chunks in the same transaction (files unlinked after the grace period, as
/// for any delete).
///
/// It runs as a child of the emulator's service, every quarter of the shortest retention configured (between
/// 50 ms and a minute; a minute when only service properties switch soft delete on), so a retention of seconds is
/// purged within a fraction of it and one of days costs a read a minute.
struct BlobPurge: Sendable {
    let store: BlobStore
    let features: [String: AccountFeatures]

    /// What one pass removed.
    struct Removed: Sendable, Equatable {
        var blobs = 0
        var containers = 0
    }

    /// How often to look.
    var interval: Duration {
        let retentions = features.values.flatMap { [$0.blob.deleteRetention, $0.blob.containerDeleteRetention] }.compactMap { $0 }
        return .milliseconds(Int64(min(max((retentions.min() ?? 240) / 4, 0.05), 60) * 1000))
    }

    func run(logger: Logger) async {
        while !Task.isCancelled {
            do {
                let removed = try await purge(now: Date())
                if removed != Removed() {
                    logger.debug("purged soft-deleted data", metadata: ["blobs": "\(removed.blobs)", "containers": "\(removed.containers)"])
                }
                try await Task.sleep(for: interval)
            } catch is CancellationError {
                return
            } catch {
                logger.warning("purge of soft-deleted blobs failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Removes what is past its retention at `now`.
    func purge(now: Date) async throws -> Removed {
        let due = now.timeIntervalSince1970
        let pending = try await store.read { db in
            try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM blobs WHERE purge_after <= ?1)
                            OR EXISTS (SELECT 1 FROM containers WHERE purge_after <= ?1)
                        """), arguments: [due]) ?? false
        }
        guard pending else { return Removed() }
        return try await store.write { db, orphans in
            var removed = Removed()
            for id in try Int64.fetchAll(
                db.cachedStatement(sql: "SELECT id FROM blobs WHERE purge_after <= ?"), arguments: [due])
            {
                try BlobStore.deleteBlobRow(db, id: id, orphans: &orphans)
                removed.blobs += 1
            }
            for row in try Row.fetchAll(
                db.cachedStatement(sql: "SELECT account, name FROM containers WHERE purge_after <= ?"), arguments: [due]
            ) {
                try BlobService.dropContainer(db, account: row["account"], name: row["name"], orphans: &orphans)
                removed.containers += 1
            }
            return removed
        }
    }
}
