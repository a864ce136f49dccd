import AzureWire
import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// What Delete Blob does to the rows it names, by the account's features:
/// - a protected version (immutability policy or legal hold) is never touched: 409;
/// - with versioning, deleting the current version makes it a previous version (nothing is lost);
/// - with soft delete, a deleted blob, snapshot or version is kept for the retention period (`deleted_time`), listed
///   with `include=deleted` and brought back by Undelete Blob, then purged by `BlobPurge`;
/// - otherwise the rows go, and their chunks with them, in the same transaction.
extension BlobService {
    /// Delete Blob's transaction; returns whether the delete was permanent (`x-ms-delete-type-permanent`).
    static func removeBlob(
        _ db: Database, _ target: BlobTarget, _ request: StorageRequest, snapshot: String, option: String?,
        conditions: BlobConditions, features: BlobFeatures, orphans: inout OrphanCollector
    ) throws -> Bool {
        try requireContainer(db, target)
        guard let blob = try fetchBlob(db, target, snapshot: snapshot, version: request.query("versionid")) else {
            throw blobNotFound()
        }
        try conditions.checkWrite(etag: blob.etag, lastModified: blob.lastModified)
        let retention = try deleteRetention(db, account: target.account, features: features)
        if !blob.snapshot.isEmpty || !blob.retired.isEmpty {
            guard option == nil else {
                throw StorageError.invalidHeader("x-ms-delete-snapshots", option ?? "", "Not allowed when deleting a snapshot or a version.")
            }
            try BlobImmutability.checkUnprotected(blob)
            return try discard(db, blob, retention: retention, orphans: &orphans)
        }
        let snapshots = try BlobRecord.fetchAll(
            db.cachedStatement(
                sql:
                    "SELECT * FROM blobs WHERE account = ? AND container = ? AND name = ? AND snapshot != '' AND retired = ''"
            ),
            arguments: [target.account, target.container, target.blob])
        if !snapshots.isEmpty && option == nil {
            throw StorageError(.conflict, "SnapshotsPresent", "This operation is not permitted because the blob has snapshots.")
        }
        if option != "only" {
            try LeaseAction.checkWrite(blob.lease, request: request, now: Date())
            try BlobImmutability.checkUnprotected(blob)
        }
        for snapshot in snapshots { try BlobImmutability.checkUnprotected(snapshot) }
        var permanent = true
        for snapshot in snapshots { permanent = try discard(db, snapshot, retention: retention, orphans: &orphans) && permanent }
        guard option != "only" else { return permanent }
        if try BlobVersions.isOn(db, target, features) {
            try BlobVersions.retireCurrent(db, target, blob)
            return false
        }
        return try discard(db, blob, retention: retention, orphans: &orphans) && permanent
    }

    /// Soft-deletes a row when the account keeps deleted data (a live blob or snapshot leaves the live names under a
    /// key of its own), or deletes it for good. Returns whether it was for good.
    static func discard(_ db: Database, _ blob: BlobRecord, retention: TimeInterval?, orphans: inout OrphanCollector) throws -> Bool {
        guard let retention else {
            try BlobStore.deleteBlobRow(db, id: blob.id!, orphans: &orphans)
            return true
        }
        try markDeleted(db, blob, retention: retention)
        return false
    }

    /// Soft-deletes a row: it is kept for `retention`, then purged.
    static func markDeleted(_ db: Database, _ blob: BlobRecord, retention: TimeInterval) throws {
        var kept = blob
        let now = Date()
        kept.deletedTime = now.timeIntervalSince1970
        kept.purgeAfter = now.timeIntervalSince1970 + retention
        kept.lease = LeaseFields()
        if kept.retired.isEmpty { kept.retired = "deleted/\(HTTPDate.iso8601(now))/\(blob.id!)" }
        try kept.update(db)
    }

    /// Undelete Blob: the soft-deleted versions and snapshots of the name come back, and so does the most recently
    /// deleted blob when there is no current one. With versioning a deleted current version is a previous version,
    /// not a deleted one: it is promoted by copying it over the blob, as in Azure.
    func undeleteBlob(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(AccessRequirement("w", .object, container: target.container, blob: target.blob))
        try await blobs.write { db, _ in
            try Self.requireContainer(db, target)
            let deleted = try BlobRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM blobs WHERE account = ? AND container = ? AND name = ? AND deleted_time IS NOT NULL
                        ORDER BY deleted_time DESC, id DESC
                        """), arguments: [target.account, target.container, target.blob])
            var hasCurrent = try Self.fetchBlob(db, target) != nil
            guard !deleted.isEmpty || hasCurrent else { throw Self.blobNotFound() }
            for var row in deleted {
                if row.retired.hasPrefix("deleted/") {
                    if row.snapshot.isEmpty {
                        guard !hasCurrent else { continue }
                        hasCurrent = true
                    } else if try Self.fetchBlob(db, target, snapshot: row.snapshot) != nil {
                        continue
                    }
                    row.retired = ""
                }
                row.deletedTime = nil
                row.purgeAfter = nil
                try row.update(db)
            }
        }
        return Self.emptyResponse(.ok)
    }
}
