import Foundation
import GRDB
import Logging

/// Purges soft-deleted blobs, snapshots, versions and containers once their account's retention has passed, their
/// chunks in the same transaction (files unlinked after the grace period, as for any delete).
///
/// It runs as a child of the emulator's service, every quarter of the shortest retention configured (between
/// 50 ms and a minute), so a retention of seconds is purged within a fraction of it and one of days costs a
/// query a minute. Accounts without soft delete have nothing to purge and no sweep runs for them.
struct BlobPurge: Sendable {
    let store: BlobStore
    let features: [String: AccountFeatures]

    /// What one pass removed.
    struct Removed: Sendable, Equatable {
        var blobs = 0
        var containers = 0
    }

    /// How often to look, or nil when no account keeps deleted data.
    var interval: Duration? {
        let retentions = features.values.flatMap { [$0.blob.deleteRetention, $0.blob.containerDeleteRetention] }.compactMap { $0 }
        guard let shortest = retentions.min() else { return nil }
        return .milliseconds(Int64(min(max(shortest / 4, 0.05), 60) * 1000))
    }

    func run(logger: Logger) async {
        guard let interval else { return }
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

    /// Removes what was deleted longer ago than its account's retention.
    func purge(now: Date) async throws -> Removed {
        let features = self.features
        return try await store.write { db, orphans in
            var removed = Removed()
            for (account, settings) in features {
                if let retention = settings.blob.deleteRetention {
                    for id in try Int64.fetchAll(
                        db, sql: "SELECT id FROM blobs WHERE account = ? AND deleted_time IS NOT NULL AND deleted_time <= ?",
                        arguments: [account, now.timeIntervalSince1970 - retention])
                    {
                        try BlobStore.deleteBlobRow(db, id: id, orphans: &orphans)
                        removed.blobs += 1
                    }
                }
                if let retention = settings.blob.containerDeleteRetention {
                    for name in try String.fetchAll(
                        db, sql: "SELECT name FROM containers WHERE account = ? AND deleted_time IS NOT NULL AND deleted_time <= ?",
                        arguments: [account, now.timeIntervalSince1970 - retention])
                    {
                        try BlobService.dropContainer(db, account: account, name: name, orphans: &orphans)
                        removed.containers += 1
                    }
                }
            }
            return removed
        }
    }
}
