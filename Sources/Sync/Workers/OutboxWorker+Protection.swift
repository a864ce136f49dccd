import AzureStorage
import Catalog
import Foundation

extension OutboxWorker {
    /// Extends a master's immutability policy to now + the configured period (`Catalog.queueProtectionRenewals`
    /// queued the row). Never shortens: the new date is the later of the version's current one and now + N, and
    /// a Locked policy stays Locked. A master gone meanwhile (purged on another device) is done with nothing to
    /// record; with immutability switched off since the row was queued, there is nothing to extend.
    func protect(_ row: OutboxRow, _ master: ProtectedMaster) async throws -> OutboxOutcome {
        guard options.immutability != nil else { return .done(followUps: []) }
        guard
            let properties = try await storage.blobs.propertiesIfExists(
                container: CloudKeys.masterContainer, name: master.sha256, versionID: master.versionID)
        else { return .done(followUps: []) }
        return .done(followUps: try await protectExisting(master.sha256, properties).map { [.protected($0)] } ?? [])
    }

    /// Brings a master that is already in the cloud (uploaded by another path, device, or an earlier daemon) under
    /// this configuration's protection, extending only. Nil with immutability off.
    func protectExisting(_ sha256: String, _ properties: BlobProperties) async throws -> MasterProtection? {
        guard let immutability = options.immutability else { return nil }
        var wanted = immutability.policy(from: options.clock())
        if let current = properties.immutabilityPolicy {
            if current.mode == .locked { wanted.mode = .locked }  // Azure refuses to unlock
            if current.until >= wanted.until, current.mode == wanted.mode {
                return MasterProtection(
                    sha256: sha256, until: current.until, mode: current.mode.rawValue, versionID: properties.versionID)
            }
            wanted.until = max(current.until, wanted.until)
        }
        let granted: ImmutabilityPolicy
        do {
            granted = try await storage.blobs.setImmutabilityPolicy(
                container: CloudKeys.masterContainer, name: sha256, versionID: properties.versionID, policy: wanted,
                tier: properties.accessTier)
        } catch let error as AzureStorageError where error.errorCode == "BlobOperationNotSupported" {
            throw Self.immutabilityUnavailable("protect \(sha256)", error)
        }
        return MasterProtection(
            sha256: sha256, until: granted.until, mode: granted.mode.rawValue, versionID: properties.versionID)
    }

    /// The follow-up recording the policy a fresh upload asked for (the service refuses an upload whose policy it
    /// cannot set, so success means the version holds it).
    func uploadedProtection(_ sha256: String, policy: ImmutabilityPolicy?, result: BlobUploadResult) -> [OutboxFollowUp] {
        guard let policy else { return [] }
        return [
            .protected(
                MasterProtection(sha256: sha256, until: policy.until, mode: policy.mode.rawValue, versionID: result.versionID))
        ]
    }

    /// The follow-ups for a master found already there: its protection, read and extended as needed.
    func existingProtection(_ sha256: String) async throws -> [OutboxFollowUp] {
        guard options.immutability != nil,
            let properties = try await storage.blobs.propertiesIfExists(container: CloudKeys.masterContainer, name: sha256)
        else { return [] }
        return try await protectExisting(sha256, properties).map { [.protected($0)] } ?? []
    }

    /// Azure refuses a policy in a container without version-level immutability: no retry can help until someone
    /// switches it on, so the row is parked with what to do.
    static func immutabilityUnavailable(_ subject: String, _ error: AzureStorageError) -> SyncError {
        SyncError(
            .invalidArgument, subject,
            detail: "\(error); the account or the file-store container has no version-level immutability: switch it on "
                + "(README, \"Masters that ransomware cannot touch\") or set [storage] immutability_days = 0",
            permanent: true)
    }
}
