import AzureStorage
import Catalog
import Foundation

extension Verifier {
    /// Acts on one finding: uploads and rows go back to the outbox (the sync workers do them, the
    /// same way as for a fresh file), a damaged master is removed first so its upload can replace it,
    /// and an orphan is deleted. Returns the finding with what was done.
    func repair(_ finding: VerifyFinding, fileId: Int64?) async throws -> VerifyFinding {
        var finding = finding
        switch finding.kind {
        case .masterMissing:
            finding.repair = try catalog.requeueMaster(sha256: finding.subject) ? "upload queued" : nil
        case .masterDamaged, .masterCorrupt:
            // Only when a local copy can replace it (verify checks only contents a present file
            // holds); removed before the upload is queued, which would otherwise meet the bad blob.
            try await storage.blobs.delete(container: CloudKeys.masterContainer, name: finding.subject)
            finding.repair = try catalog.requeueMaster(sha256: finding.subject) ? "deleted, upload queued" : "deleted"
        case .renditionMissing:
            guard let (sha, name) = CloudKeys.renditionParts(blob: finding.subject) else { break }
            finding.repair = try catalog.requeueRendition(sha256: sha, name: name) ? "upload queued" : nil
        case .rowMissing, .rowStale:
            guard let fileId else { break }
            finding.repair = try catalog.requeueEntity(fileId: fileId) ? "row queued" : nil
        case .referenceBroken:
            // This device can send the master again when one of its files still holds the content.
            finding.repair = try catalog.requeueMaster(sha256: finding.subject) ? "upload queued" : nil
        case .protectionMissing, .protectionLapsing:
            finding.repair = try catalog.requeueProtection(sha256: finding.subject) ? "extension queued" : nil
        case .orphanMaster, .orphanRendition:
            // Through the purge protocol: a device that started to reference the content since the
            // listing keeps it (its reference is seen at the second look, or its upload is newer).
            let sha =
                finding.kind == .orphanMaster ? finding.subject : CloudKeys.renditionContent(blob: finding.subject)
            _ = try await storage.tables.createTable(CloudKeys.referencesTable)  // for the marker
            let shared = SharedContent(
                storage: storage, device: device, markerLifetime: SyncOptions.defaults.purgeMarkerLifetime,
                clock: { Date() })
            switch try await shared.deleteUnlessReferenced(sha, besides: nil, minimumRetention: nil) {
            case .deleted: finding.repair = "deleted"
            case .referenced, .notBefore: finding.repair = nil  // referenced meanwhile: kept
            }
        }
        return finding
    }
}
