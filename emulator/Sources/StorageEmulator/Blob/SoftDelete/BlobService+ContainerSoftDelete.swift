import AzureWire
import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// Container soft delete and what guards a container's deletion.
///
/// A deleted container of an account with `containerDeleteRetention` is parked: its row is copied under a name no
/// request can name (`~deleted~VERSION~NAME`), its blobs and staged blocks move to it, and the original row goes, all
/// in one transaction. Restore Container moves them back; `BlobPurge` drops it once its retention has passed.
extension BlobService {
    /// Delete Container's transaction after its conditions and lease: refused while the container holds a protected
    /// version; parked when the account keeps deleted containers; otherwise dropped with its chunks.
    static func removeContainer(
        _ db: Database, _ container: ContainerRecord, features: BlobFeatures, orphans: inout OrphanCollector
    ) throws {
        let target = BlobTarget(account: container.account, container: container.name, blob: "")
        // Azure refuses a data-plane delete of every container with version-level immutability (management-plane
        // deletes of empty ones succeed). The emulator has no management plane, so it refuses only while a
        // protected version is inside: nothing protected can be lost, and a container can still be cleaned up.
        if try BlobImmutability.isEnabled(db, target, features),
            try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM blobs WHERE account = ? AND container = ?
                        AND (legal_hold OR coalesce(immutability_until, 0) > ?))
                        """), arguments: [container.account, container.name, Date().timeIntervalSince1970]) == true
        {
            throw StorageError(
                .conflict, "ContainerImmutableStorageWithVersioningEnabled",
                "The requested operation is not allowed as the container has a immutable storage with versioning "
                    + "enabled and holds protected blob versions.")
        }
        guard let retention = features.containerDeleteRetention else {
            try dropContainer(db, account: container.account, name: container.name, orphans: &orphans)
            return
        }
        let now = Date().timeIntervalSince1970
        var parked = container
        let version = String(UInt64(now * 10_000_000), radix: 16, uppercase: true)
        parked.name = "~deleted~\(version)~\(container.name)"
        parked.deletedName = container.name
        parked.deletedVersion = version
        parked.deletedTime = now
        parked.purgeAfter = now + retention
        parked.lease = LeaseFields()
        try move(db, container, to: parked)
    }

    /// Deletes a container row with its blobs, staged blocks and pages, marking their chunks.
    static func dropContainer(_ db: Database, account: String, name: String, orphans: inout OrphanCollector) throws {
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT chunk_id FROM blob_blocks WHERE blob_id IN (SELECT id FROM blobs WHERE account = ?1 AND container = ?2)
                    UNION SELECT chunk_id FROM staged_blocks WHERE account = ?1 AND container = ?2
                    UNION SELECT chunk_id FROM blob_pages WHERE blob_id IN (SELECT id FROM blobs WHERE account = ?1 AND container = ?2)
                    """), arguments: [account, name])
        {
            orphans.candidates.insert(row[0])
        }
        try db.executeCached(
            sql: "DELETE FROM blob_blocks WHERE blob_id IN (SELECT id FROM blobs WHERE account = ? AND container = ?)",
            arguments: [account, name])
        _ = try ContainerRecord.deleteOne(db, key: ["account": account, "name": name])
    }

    /// Re-keys a container: the new row first, then its blobs and staged blocks, then the old row (foreign keys hold
    /// at every statement).
    private static func move(_ db: Database, _ from: ContainerRecord, to: ContainerRecord) throws {
        try to.insert(db)
        // `staged_block_counts` moves with the staged blocks (an UPDATE fires none of its triggers).
        for table in ["blobs", "staged_blocks", "staged_block_counts"] {
            try db.execute(
                sql: "UPDATE \(table) SET container = ? WHERE account = ? AND container = ?",
                arguments: [to.name, from.account, from.name])
        }
        _ = try ContainerRecord.deleteOne(db, key: ["account": from.account, "name": from.name])
    }

    /// Restore Container (`comp=undelete`): brings the deleted container `x-ms-deleted-container-name` /
    /// `-version` back under the name in the path.
    func restoreContainer(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(BlobOperation.restoreContainer.route.access, container: target.container, blob: nil)
        guard let name = request.header("x-ms-deleted-container-name") else {
            throw StorageError.missingHeader("x-ms-deleted-container-name")
        }
        guard let version = request.header("x-ms-deleted-container-version") else {
            throw StorageError.missingHeader("x-ms-deleted-container-version")
        }
        let restored = try await blobs.write { db, _ -> ContainerRecord in
            guard try ContainerRecord.find(db, account: target.account, name: target.container) == nil else {
                throw StorageError(.conflict, "ContainerAlreadyExists", "The specified container already exists.")
            }
            guard
                let parked = try ContainerRecord.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT * FROM containers WHERE account = ? AND deleted_name = ? AND deleted_version = ?"),
                    arguments: [target.account, name, version])
            else { throw Self.containerNotFound() }
            var restored = parked
            restored.name = target.container
            restored.deletedName = nil
            restored.deletedVersion = nil
            restored.deletedTime = nil
            restored.purgeAfter = nil
            try Self.move(db, parked, to: restored)
            return restored
        }
        return Self.emptyResponse(.created, headers: Self.containerHeaders(restored))
    }

    /// Days left before a soft-deleted item is purged, rounded up as Azure reports `RemainingRetentionDays`.
    static func remainingRetentionDays(purgeAfter: Double?, now: Date) -> String {
        let left = (purgeAfter ?? 0) - now.timeIntervalSince1970
        return String(max(0, Int((left / 86_400).rounded(.up))))
    }

    /// The soft-delete part of a listed container: `Deleted` and `Version` (before its properties).
    static func writeDeletedContainer(_ container: ContainerRecord, to xml: inout XMLWriter) {
        guard container.deletedTime != nil else { return }
        xml.element("Deleted", "true")
        xml.element("Version", container.deletedVersion)
    }

    /// Inside a listed container's properties: when it was deleted and how long it is kept, and whether it has
    /// version-level immutability.
    func writeContainerProperties(_ container: ContainerRecord, now: Date, to xml: inout XMLWriter) {
        if let deleted = container.deletedTime {
            xml.element("DeletedTime", HTTPDate.rfc1123(Date(timeIntervalSince1970: deleted)))
            xml.element("RemainingRetentionDays", Self.remainingRetentionDays(purgeAfter: container.purgeAfter, now: now))
        }
        if container.versionImmutability || blobFeatures(container.account).versionLevelImmutability {
            xml.element("ImmutableStorageWithVersioningEnabled", "true")
        }
    }
}
