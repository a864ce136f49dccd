import AzureWire
import Foundation
import GRDB
import HTTPTypes

/// Blob versioning. With versioning on, the state a write replaces (Put Blob, Put Block List, Copy Blob, Set Blob
/// Metadata) is kept as a previous version, and Delete Blob turns the current version into a previous one. A
/// previous version is a `blobs` row whose `retired` is its version ID; it shares its chunks with the row it was
/// copied from, so keeping a version costs block rows and never bytes. Each state carries its version ID
/// (`x-ms-version-id`), the time it was written with seven fractional digits, as Azure spells it.
enum BlobVersions {
    /// Whether writes to `target` keep versions: the account's versioning, or a container with version-level
    /// immutability. Azure requires versioning on the account for the latter; the emulator has no management
    /// plane to switch it on, so such a container versions its blobs itself.
    static func isOn(_ db: Database, _ target: BlobTarget, _ features: BlobFeatures) throws -> Bool {
        try features.versioning || BlobImmutability.isEnabled(db, target, features)
    }

    /// Makes `blob` the new current version about to be written: the state it replaces is kept as a previous
    /// version (its immutability policy and legal hold stay with it), and the new state gets a version ID of its own
    /// and starts unprotected. Without versioning, a protected state cannot be replaced, and an overwrite (not a
    /// metadata write) in an account with soft delete keeps the replaced state as a soft-deleted snapshot, except
    /// in the Archive tier (Azure's "How overwrites are handled when soft delete is enabled").
    static func beginWrite(
        _ db: Database, _ target: BlobTarget, _ blob: inout BlobRecord, versioning: Bool, overwriteRetention: TimeInterval? = nil
    ) throws {
        guard versioning else {
            guard blob.id != nil else { return }
            try BlobImmutability.checkUnprotected(blob)
            if let overwriteRetention, blob.tier != "Archive" {
                try keepSoftDeletedSnapshot(db, target, blob, retention: overwriteRetention)
            }
            return
        }
        if blob.id != nil { try keepPrevious(db, target, blob) }
        blob.versionId = try BlobService.uniqueTimestamp(db, target, column: "version_id")
        blob.immutabilityUntil = nil
        blob.immutabilityMode = nil
        blob.legalHold = false
    }

    /// Inserts a copy of the current row as a previous version, sharing its block rows' chunks.
    static func keepPrevious(_ db: Database, _ target: BlobTarget, _ current: BlobRecord) throws {
        var previous = current
        previous.id = nil
        previous.lease = LeaseFields()
        let versionID = try current.versionId ?? BlobService.uniqueTimestamp(db, target, column: "version_id")
        previous.versionId = versionID
        previous.retired = versionID
        try previous.insert(db)
        try BlobService.copyBlocks(db, from: current.id!, to: previous.id!)
    }

    /// Inserts a copy of the current row as a soft-deleted snapshot, sharing its block rows' chunks.
    static func keepSoftDeletedSnapshot(_ db: Database, _ target: BlobTarget, _ current: BlobRecord, retention: TimeInterval) throws {
        var kept = current
        kept.id = nil
        kept.lease = LeaseFields()
        kept.snapshot = try BlobService.uniqueTimestamp(db, target, column: "snapshot")
        try kept.insert(db)
        try BlobService.copyBlocks(db, from: current.id!, to: kept.id!)
        try BlobService.markDeleted(db, kept, retention: retention)
    }

    /// Delete Blob of the current version with versioning on: the row itself becomes a previous version.
    static func retireCurrent(_ db: Database, _ target: BlobTarget, _ current: BlobRecord) throws {
        var previous = current
        let versionID = try current.versionId ?? BlobService.uniqueTimestamp(db, target, column: "version_id")
        previous.versionId = versionID
        previous.retired = versionID
        previous.lease = LeaseFields()
        try previous.update(db)
    }

    /// A version that is not soft-deleted, current or previous (`?versionid=`).
    static func fetch(_ db: Database, _ target: BlobTarget, version: String) throws -> BlobRecord? {
        try BlobRecord.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT * FROM blobs WHERE account = ? AND container = ? AND name = ? AND snapshot = ''
                    AND version_id = ? AND deleted_time IS NULL
                    """),
            arguments: [target.account, target.container, target.blob, version])
    }

    /// The version headers of Get Blob and Get Blob Properties.
    static func writeProperties(_ blob: BlobRecord, to headers: inout HTTPFields) {
        guard let versionID = blob.versionId, blob.snapshot.isEmpty else { return }
        headers[HTTPField.Name("x-ms-version-id")!] = versionID
        headers[HTTPField.Name("x-ms-is-current-version")!] = blob.retired.isEmpty ? "true" : "false"
    }
}
