import AzureStorage
import Catalog
import Foundation

/// References shared by every device of an account: a master may go only when no device's path and
/// no kept version references it. Each device writes a `refs` row (PartitionKey = the content's
/// SHA-256, RowKey = device, library and path) before it relies on the master being there, and a
/// purge checks that partition, one query, instead of every device's rows. The race between a purge
/// and a new reference is settled in `SharedContent`.
extension OutboxWorker {
    /// Writes the `refs` row of a path holding a content.
    func reference(_ row: OutboxRow, _ version: PathVersion) async throws {
        guard let sha = version.sha256 else {
            throw SyncError(.badRow, subject(row), detail: "the version names no content", permanent: true)
        }
        // Let go of before it was ever uploaded, and held by no file: its master will be superseded, and a
        // reference would point at nothing.
        if try !catalog.keepsInCloud(sha256: sha) { return }
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
        let mine = try await shared.references(of: sha256).filter { options.device.owns($0.rowKey) }
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

    /// `mirror` after the retention: deletes the content's master and renditions when nothing on this
    /// device (a present file, a version of another path) and no other device's reference holds it,
    /// never before the tier's minimum retention since the blob was written; removes this path's
    /// reference, and its entity when the path is still gone. See the protocol above.
    func purge(_ row: OutboxRow, _ version: PathVersion) async throws -> OutboxOutcome {
        let sha = row.target
        let local = try catalog.references(of: sha, besides: version)
        if local.referenced { return .done(followUps: []) }
        let now = options.clock()
        // A master upload still queued would bring the blob back after the purge: wait for it.
        if local.uploadQueued { return .postponed(until: now.addingTimeInterval(options.pollInterval.seconds * 30)) }
        // A master this device protected cannot be deleted before its policy ends: wait for that date rather than
        // be refused (the service's own answer covers a policy set by another device, in `SharedContent`).
        if let protection = try catalog.protection(sha256: sha), protection.until > now {
            return .postponed(until: protection.until.addingTimeInterval(1))
        }
        let ownKey = options.device.referenceRowKey(library: version.library, path: version.path)
        try await resources.ensure(table: CloudKeys.referencesTable)
        let tier = options.masterTier
        let outcome = try await shared.deleteUnlessReferenced(sha, besides: ownKey) {
            SyncOptions.minimumRetention(of: $0 ?? tier)
        }
        if case .notBefore(let date) = outcome { return .postponed(until: date) }
        // Kept for another device, or gone: either way this path no longer references it.
        _ = try await storage.tables.delete(partitionKey: sha, rowKey: ownKey, from: CloudKeys.referencesTable)
        if let fileId = row.fileId, try catalog.fileState(id: fileId) != .present {
            try await storage.tables.delete(
                partitionKey: options.device.filesPartition(library: version.library),
                rowKey: CloudKeys.fileRowKey(path: version.path), from: CloudKeys.filesTable)
        }
        return .done(followUps: [])
    }
}
