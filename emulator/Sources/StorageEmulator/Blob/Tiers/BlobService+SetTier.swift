import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// Set Blob Tier, and rehydration from Archive by Set Blob Tier or by Copy Blob.
extension BlobService {
    static let archive = "Archive"

    /// Moving between online tiers, or to Archive, takes effect at once (200). Leaving Archive is a rehydration (202):
    /// the tier stays Archive, with `x-ms-archive-status: rehydrate-pending-to-…`, until `RehydrationWorker` completes
    /// it after the configured delay. While it is pending, the only change Azure accepts is raising the priority of
    /// the same target tier to High; anything else is 409 `BlobBeingRehydrated`.
    func setBlobTier(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(AccessRequirement("w", .object, container: target.container, blob: target.blob))
        guard let tier = try Self.accessTier(request) else { throw StorageError.missingHeader("x-ms-access-tier") }
        let priority = try RehydratePriority.parse(request)
        let delay = rehydration.delay(priority)
        let snapshot = request.query("snapshot") ?? ""
        let version = request.query("versionid")
        let status = try await blobs.write { db, _ -> HTTPResponse.Status in
            try Self.requireContainer(db, target)
            guard var blob = try Self.fetchBlob(db, target, snapshot: snapshot, version: version) else {
                throw Self.blobNotFound()
            }
            guard blob.blobType == Self.blockBlobType else {
                throw StorageError(
                    .badRequest, "AccessTierNotSupportedForBlobType", "The access tier is not supported for this blob type.")
            }
            if snapshot.isEmpty && blob.retired.isEmpty { try LeaseAction.checkRead(blob.lease, request: request, now: Date()) }
            try BlobImmutability.checkTierChange(blob, to: tier)
            let now = Date().timeIntervalSince1970
            if var pending = try BlobRehydration.fetch(db, blobID: blob.id!) {
                guard tier == pending.toTier else { throw Self.beingRehydrated(pending) }
                if priority == .high && pending.priority == .standard {
                    pending.priority = .high
                    pending.due = min(pending.due, now + delay)
                    try pending.save(db, blobID: blob.id!)
                }
                return .accepted
            }
            if blob.tier == Self.archive && tier != Self.archive {
                guard snapshot.isEmpty && blob.retired.isEmpty else {
                    // "Snapshots and previous versions cannot be rehydrated back … copy it to a new blob."
                    throw Self.blobArchived(
                        "An archived snapshot or previous version is not rehydrated in place: copy it to a new blob with a tier.")
                }
                try BlobRehydration(toTier: tier, priority: priority, due: now + delay, byCopy: false).save(db, blobID: blob.id!)
                return .accepted
            }
            if blob.tier != tier {
                blob.tier = tier
                blob.tierChanged = now
                try blob.update(db)
            }
            return .ok
        }
        return Self.emptyResponse(status)
    }

    /// How Copy Blob treats an archived source: Azure copies it only to another blob in an online tier ("the
    /// destination blob must have a different blob name or be in a different container"), and the copy is a
    /// rehydration (the destination is Archive, its copy pending, until it completes). Returns the rehydration to
    /// start for the destination, nil for an online source; refuses an archived source without an online tier.
    func archivedCopy(
        source: BlobRecord, to target: BlobTarget, tier: String?, _ request: StorageRequest
    ) throws -> BlobRehydration? {
        guard source.tier == Self.archive else { return nil }
        guard let tier, tier != Self.archive else {
            throw Self.blobArchived("Copying an archived blob needs x-ms-access-tier of an online tier: the copy is a rehydration.")
        }
        if source.snapshot.isEmpty, source.account == target.account, source.container == target.container,
            source.name == target.blob
        {
            throw Self.blobArchived("An archived blob is not copied onto itself: rehydrate it with Set Blob Tier.")
        }
        let priority = try RehydratePriority.parse(request)
        return BlobRehydration(
            toTier: tier, priority: priority, due: Date().timeIntervalSince1970 + rehydration.delay(priority), byCopy: true)
    }

    /// The destination of a copy from Archive: Archive, with its copy pending, until the rehydration completes.
    static func startCopyRehydration(_ rehydration: BlobRehydration, _ blob: inout BlobRecord, _ db: Database) throws {
        blob.tier = archive
        blob.copyStatus = "pending"
        blob.copyProgress = "0/\(blob.contentLength)"
        blob.copyCompleted = nil
        try blob.update(db)
        try rehydration.save(db, blobID: blob.id!)
    }

    static func blobArchived(_ detail: String = "") -> StorageError {
        StorageError(.conflict, "BlobArchived", "This operation is not permitted on an archived blob. \(detail)")
    }

    static func beingRehydrated(_ pending: BlobRehydration) -> StorageError {
        StorageError(
            .conflict, "BlobBeingRehydrated",
            "This operation is not permitted because the blob is being rehydrated (\(pending.archiveStatus)).")
    }
}
