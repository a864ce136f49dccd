import AzureStorage
import Catalog
import Foundation

/// References shared by every device of an account: a master may go only when no device's path and
/// no kept version references it. Each device writes a `refs` row (PartitionKey = the content's
/// SHA-256, RowKey = device, library and path) before it relies on the master being there, and a
/// purge checks that partition, one query, instead of every device's rows.
///
/// A purge and a new reference to the same content can race (device B deletes the master while
/// device A starts holding it). The protocol, with Azure's strong consistency per table and blob:
///
/// - A (referencing): 1. writes its `refs` row; 2. only then looks at the master: absent, it uploads
///   it (`If-None-Match: *`); present, it first reads the purge marker, and while a live marker is
///   there it waits and looks again later (the blob may be about to go).
/// - B (purging): 1. finds no other reference; 2. writes the marker; 3. lists the references again;
///   any other reference now means A came in between: B removes the marker and leaves the master;
///   4. otherwise deletes the master and renditions, each `If-Match` the ETag it just read (a blob
///   written again since is A's upload and stays), then its own reference, then the marker.
///
/// If A's reference landed before B's second look, B sees it and keeps the master. If it landed
/// after, A's look at the master comes after B's marker was written: either the marker is still
/// there (A waits until B is done, then finds the master absent and uploads it) or B is done and
/// the master is already gone (A uploads it). Either way A ends with a master. A marker outlives a
/// crashed purge by at most `purgeMarkerLifetime`; its device redoes the purge from step 1.
extension OutboxWorker {
    /// Writes the `refs` row of a path holding a content.
    func reference(_ row: OutboxRow, _ version: PathVersion) async throws {
        guard let sha = version.sha256 else {
            throw SyncError(.badRow, subject(row), detail: "the version names no content", permanent: true)
        }
        var entity = TableEntity(
            partitionKey: sha, rowKey: options.device.referenceRowKey(library: version.library, path: version.path))
        entity["device"] = .string(options.device.device)
        entity["library"] = .string(version.library)
        entity["path"] = .string(version.path)
        entity["recordedAt"] = .date(OutboxTime.date(nanoseconds: version.recordedNs))
        try await resources.ensure(table: CloudKeys.referencesTable)
        try await storage.tables.upsert(entity, in: CloudKeys.referencesTable)
    }

    /// Takes back this device's references to content it never uploaded (superseded before its upload):
    /// they would point at no master. A path that holds the content again keeps its reference; a
    /// reference queued after the master waits for it (`Outbox.blocked`), so none is taken back by mistake.
    func withdrawReferences(_ sha256: String) async throws {
        let mine = try await allReferences(sha256).filter { options.device.owns($0.rowKey) }
        for reference in mine {
            if let library = reference["library"]?.string, let path = reference["path"]?.string,
                try catalog.holds(library: library, path: path, sha256: sha256)
            {
                continue
            }
            _ = try await storage.tables.delete(
                partitionKey: sha256, rowKey: reference.rowKey, from: CloudKeys.referencesTable)
        }
    }

    /// Writes a library's `devices` row: which device holds it, and where.
    func library(_ row: OutboxRow, _ entry: LibraryEntry) async throws {
        var entity = TableEntity(partitionKey: options.device.device, rowKey: CloudKeys.encodeKey(entry.library))
        entity["library"] = .string(entry.library)
        entity["root"] = .string(entry.root)
        entity["updatedAt"] = .date(options.clock())
        try await resources.ensure(table: CloudKeys.devicesTable)
        try await storage.tables.upsert(entity, in: CloudKeys.devicesTable)
    }

    /// The device purging `sha256` right now, from a marker younger than `purgeMarkerLifetime`.
    func purgeInProgress(_ sha256: String) async throws -> String? {
        let marker: TableEntity?
        do {
            marker = try await storage.tables.get(
                partitionKey: sha256, rowKey: CloudKeys.purgeMarker, from: CloudKeys.referencesTable)
        } catch let error as AzureStorageError where error.isNotFound {
            return nil  // no refs table yet: nothing was ever purged
        }
        guard let marker, let written = marker.timestamp ?? marker["startedAt"]?.date else { return nil }
        if options.clock().timeIntervalSince(written) > options.purgeMarkerLifetime.seconds { return nil }
        return marker["device"]?.string ?? "another device"
    }

    /// `mirror` after the retention: deletes the content's master and renditions when nothing on this
    /// device (a present file, a version of another path) and no other device's reference holds it,
    /// never before the tier's minimum retention since the blob was written; removes this path's
    /// reference, and its entity when the path is still gone. See the protocol above.
    func purge(_ row: OutboxRow, _ version: PathVersion) async throws -> Outcome {
        let sha = row.target
        let local = try catalog.references(of: sha, besides: version)
        if local.referenced { return .done(followUps: []) }
        let now = options.clock()
        // A master upload still queued would bring the blob back after the purge: wait for it.
        if local.uploadQueued { return .postponed(now.addingTimeInterval(options.pollInterval.seconds * 30)) }
        let ownKey = options.device.referenceRowKey(library: version.library, path: version.path)
        try await resources.ensure(table: CloudKeys.referencesTable)
        if try await otherReferences(sha, besides: ownKey).isEmpty {
            if let wait = try await purgeContent(sha, ownKey: ownKey, now: now) {
                return .postponed(wait)
            }
        }
        // Kept for another device, or gone: either way this path no longer references it.
        _ = try await storage.tables.delete(partitionKey: sha, rowKey: ownKey, from: CloudKeys.referencesTable)
        if let fileId = row.fileId, try catalog.fileState(id: fileId) != .present {
            try await storage.tables.delete(
                partitionKey: options.device.filesPartition(library: version.library),
                rowKey: CloudKeys.fileRowKey(path: version.path), from: CloudKeys.filesTable)
        }
        return .done(followUps: [])
    }

    /// Steps 2 to 4 of a purge: the marker, the second look, the conditional deletes. Returns when to
    /// try again if the master is still within its tier's minimum retention.
    private func purgeContent(_ sha: String, ownKey: String, now: Date) async throws -> Date? {
        var marker = TableEntity(partitionKey: sha, rowKey: CloudKeys.purgeMarker)
        marker["device"] = .string(options.device.device)
        marker["startedAt"] = .date(now)
        _ = try await storage.tables.upsert(marker, in: CloudKeys.referencesTable)
        // On a throw the marker stays until its lifetime ends or this purge is redone: safe either way.
        let outcome = try await deleteUnlessReferenced(sha, ownKey: ownKey, now: now)
        _ = try await storage.tables.delete(
            partitionKey: sha, rowKey: CloudKeys.purgeMarker, from: CloudKeys.referencesTable)
        return outcome
    }

    private func deleteUnlessReferenced(_ sha: String, ownKey: String, now: Date) async throws -> Date? {
        if try await !otherReferences(sha, besides: ownKey).isEmpty { return nil }  // a device came in between
        if let blob = try await storage.blobs.propertiesIfExists(container: CloudKeys.masterContainer, name: sha) {
            if let written = blob.lastModified {
                let tier = blob.accessTier ?? options.masterTier
                let earliest = written.addingTimeInterval(SyncOptions.minimumRetention(of: tier).seconds)
                if earliest > now { return earliest }
            }
            do {
                _ = try await storage.blobs.delete(container: CloudKeys.masterContainer, name: sha, ifMatch: blob.etag)
            } catch let error as AzureStorageError where error.isConditionNotMet {
                return nil  // written again since the look: another device's upload, which references it
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
        return nil
    }

    /// The references of `sha` other than `ownKey`.
    private func otherReferences(_ sha: String, besides ownKey: String) async throws -> [TableEntity] {
        try await allReferences(sha).filter { $0.rowKey != ownKey }
    }

    /// Every reference of `sha` (the purge marker left out; no refs table yet is none).
    private func allReferences(_ sha: String) async throws -> [TableEntity] {
        let escaped = sha.replacingOccurrences(of: "'", with: "''")
        do {
            return try await storage.tables.queryAll(CloudKeys.referencesTable, filter: "PartitionKey eq '\(escaped)'")
                .filter { $0.rowKey != CloudKeys.purgeMarker }
        } catch let error as AzureStorageError where error.isNotFound {
            return []
        }
    }
}
