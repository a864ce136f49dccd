import AzureStorage
import Catalog
import Foundation

/// Content every device of an account may hold: its references (`refs`, one partition per SHA-256)
/// and the one way its blobs are deleted, so that a device starting to hold it meanwhile never loses
/// it. The sync workers' purges and verify's repair of orphans both go through `deleteUnlessReferenced`.
///
/// The race it settles (device A starts holding a content while device B deletes it):
///
/// - A (referencing): 1. writes its `refs` row; 2. only then looks at the master: absent, it uploads
///   it (`If-None-Match: *`); present, it first reads the purge marker, and while a live marker is
///   there it waits and looks again later (the blob may be about to go).
/// - B (deleting): 1. finds no other reference; 2. writes the marker; 3. lists the references again;
///   any other reference now means A came in between: B removes the marker and leaves the master;
///   4. otherwise deletes the master and renditions, each `If-Match` the ETag it just read (a blob
///   written again since is A's upload and stays), then the marker.
///
/// If A's reference landed before B's second look, B sees it and keeps the master. If it landed
/// after, A's look at the master comes after B's marker was written: either the marker is still
/// there (A waits until B is done, then finds the master absent and uploads it) or B is done and
/// the master is already gone (A uploads it). Either way A ends with a master. A marker outlives a
/// crashed purge by at most `markerLifetime`; its device redoes the purge from step 1.
package struct SharedContent: Sendable {
    let storage: StorageClient
    let device: DeviceKeys
    let markerLifetime: Duration
    let clock: @Sendable () -> Date

    /// What a deletion came to.
    enum Outcome: Equatable {
        /// Another reference holds the content: nothing was deleted.
        case referenced
        /// The master (if there was one) and the renditions are gone.
        case deleted
        /// The master is within its tier's minimum retention, or its immutability policy, until then: nothing
        /// was deleted.
        case notBefore(Date)
    }

    /// Every reference of `sha256` (the purge marker left out; no refs table yet is none).
    func references(of sha256: String) async throws -> [TableEntity] {
        try await Self.references(of: sha256, in: storage)
    }

    /// Every reference of `sha256` in `storage`: also what the preview worker merges a description into.
    package static func references(of sha256: String, in storage: StorageClient) async throws -> [TableEntity] {
        let escaped = sha256.replacingOccurrences(of: "'", with: "''")
        do {
            return try await storage.tables.queryAll(CloudKeys.referencesTable, filter: "PartitionKey eq '\(escaped)'")
                .filter { $0.rowKey != CloudKeys.purgeMarker }
        } catch let error as AzureStorageError where error.isNotFound {
            return []
        }
    }

    /// The device deleting `sha256` right now, from a marker younger than `markerLifetime`.
    func purgeInProgress(_ sha256: String) async throws -> String? {
        let marker: TableEntity?
        do {
            marker = try await storage.tables.get(
                partitionKey: sha256, rowKey: CloudKeys.purgeMarker, from: CloudKeys.referencesTable)
        } catch let error as AzureStorageError where error.isNotFound {
            return nil  // no refs table yet: nothing was ever purged
        }
        guard let marker, let written = marker.timestamp ?? marker["startedAt"]?.date else { return nil }
        if clock().timeIntervalSince(written) > markerLifetime.seconds { return nil }
        return marker["device"]?.string ?? "another device"
    }

    /// Steps 1 to 4 for B: deletes the master and every rendition of `sha256` unless a reference other
    /// than `ownKey` holds it; with `minimumRetention`, not before the master's tier allows.
    func deleteUnlessReferenced(
        _ sha256: String, besides ownKey: String?, minimumRetention: ((AccessTier?) -> Duration)?
    ) async throws -> Outcome {
        func others() async throws -> Bool {
            try await references(of: sha256).contains { $0.rowKey != ownKey }
        }
        if try await others() { return .referenced }
        var marker = TableEntity(partitionKey: sha256, rowKey: CloudKeys.purgeMarker)
        marker["device"] = .string(device.device)
        marker["startedAt"] = .date(clock())
        _ = try await storage.tables.upsert(marker, in: CloudKeys.referencesTable)
        // On a throw the marker stays until its lifetime ends or this purge is redone: safe either way.
        let outcome = try await others() ? .referenced : try await deleteBlobs(sha256, minimumRetention)
        _ = try await storage.tables.delete(
            partitionKey: sha256, rowKey: CloudKeys.purgeMarker, from: CloudKeys.referencesTable)
        return outcome
    }

    private func deleteBlobs(_ sha: String, _ minimumRetention: ((AccessTier?) -> Duration)?) async throws -> Outcome {
        if let blob = try await storage.blobs.propertiesIfExists(container: CloudKeys.masterContainer, name: sha) {
            if let minimumRetention, let written = blob.lastModified {
                let earliest = written.addingTimeInterval(minimumRetention(blob.accessTier).seconds)
                if earliest > clock() { return .notBefore(earliest) }
            }
            // An account keeping versions (immutability needs it) keeps a deleted blob as a previous version, and
            // an overwrite by someone else leaves the protected one behind: each version goes, and none before the
            // last policy among them ends.
            let versions = blob.versionID == nil ? [] : try await MasterVersions.list(sha, storage: storage)
            if let protectedUntil = ([blob] + versions.map(\.properties)).compactMap(\.immutabilityPolicy?.until).max(),
                protectedUntil > clock()
            {
                return .notBefore(protectedUntil.addingTimeInterval(1))
            }
            do {
                _ = try await storage.blobs.delete(container: CloudKeys.masterContainer, name: sha, ifMatch: blob.etag)
                for version in versions {
                    _ = try await storage.blobs.delete(
                        container: CloudKeys.masterContainer, name: sha, versionID: version.properties.versionID)
                }
            } catch let error as AzureStorageError where error.isConditionNotMet {
                return .referenced  // written again since the look: another device's upload, which references it
            } catch let error as AzureStorageError where error.errorCode == "BlobImmutableDueToPolicy" {
                // Protected since the look (another device extended it): wait for the date the blob now carries.
                let until = try await storage.blobs.propertiesIfExists(container: CloudKeys.masterContainer, name: sha)?
                    .immutabilityPolicy?.until
                guard let until else { throw error }
                return .notBefore(until.addingTimeInterval(1))
            }
        }
        // Every rendition of the content, whichever device made it: nothing references any of them now.
        let previews: [BlobItem]
        do {
            previews = try await storage.blobs.allBlobs(container: CloudKeys.previewContainer, prefix: sha + "/")
        } catch let error as AzureStorageError where error.isNotFound {
            previews = []
        }
        for blob in previews {
            do {
                _ = try await storage.blobs.delete(
                    container: CloudKeys.previewContainer, name: blob.name, ifMatch: blob.properties.etag)
            } catch let error as AzureStorageError where error.isConditionNotMet {
                continue
            }
        }
        return .deleted
    }
}
