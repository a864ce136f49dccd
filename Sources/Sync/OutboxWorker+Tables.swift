import AzureStorage
import Catalog
import Foundation

extension OutboxWorker {
    /// Writes the path's `files` entity from the catalog's current state: replaced whole while the
    /// file is present, merged (deleted flag and time) once it is gone.
    func entity(_ row: OutboxRow) async throws {
        guard let fileId = row.fileId, let facts = try catalog.fileFacts(fileId: fileId) else { return }
        let (entity, present) = FileEntity.make(facts)  // the file row is gone with its library: nothing to describe
        try await resources.ensure(table: CloudKeys.filesTable)
        try await storage.tables.upsert(entity, in: CloudKeys.filesTable, mode: present ? .replace : .merge)
    }

    /// Writes one `folders` row: PartitionKey = library + parent path, RowKey = the folder's name.
    func folder(_ row: OutboxRow, _ entry: FolderEntry) async throws {
        let (folder, library) = (entry.folder, entry.library)
        let name = folder.split(separator: "/").last.map(String.init) ?? folder
        var entity = TableEntity(partitionKey: row.target, rowKey: CloudKeys.encodeKey(name))
        entity["name"] = .string(name)
        entity["path"] = .string(folder)
        entity["library"] = .string(library)
        try await resources.ensure(table: CloudKeys.foldersTable)
        try await storage.tables.upsert(entity, in: CloudKeys.foldersTable)
    }

    /// Writes one `history` row: the version's content and times, newest first in its partition.
    func history(_ row: OutboxRow, _ version: PathVersion) async throws {
        let recorded = version.recordedNs
        guard let sha = version.sha256 else {
            throw SyncError(.badRow, subject(row), detail: "the version names no content", permanent: true)
        }
        var entity = TableEntity(partitionKey: row.target, rowKey: CloudKeys.invertedTicks(nanoseconds: recorded))
        entity["sha256"] = .string(sha)
        entity["library"] = .string(version.library)
        entity["path"] = .string(version.path)
        entity["recordedAt"] = .date(OutboxTime.date(nanoseconds: recorded))
        entity["size"] = .int64(version.size)
        entity["mtime"] = .date(OutboxTime.date(nanoseconds: version.mtimeNs))
        entity["mtimeNs"] = .int64(version.mtimeNs)
        try await resources.ensure(table: CloudKeys.historyTable)
        try await storage.tables.upsert(entity, in: CloudKeys.historyTable)
    }

    /// A path vanished: its entity is marked deleted with the time (created that way if its entity
    /// row has not run yet). With `mirror`, a purge of its content is queued for after the retention.
    func delete(_ row: OutboxRow, _ version: PathVersion) async throws -> Outcome {
        if let fileId = row.fileId, try catalog.fileState(id: fileId) == .present {
            return .done(followUps: [])  // back on disk since: its entity row says so
        }
        let deletedAt = OutboxTime.date(nanoseconds: version.recordedNs)
        var entity = TableEntity(partitionKey: version.library, rowKey: row.target)
        entity["deleted"] = .bool(true)
        entity["deletedAt"] = .date(deletedAt)
        try await resources.ensure(table: CloudKeys.filesTable)
        try await storage.tables.upsert(entity, in: CloudKeys.filesTable, mode: .merge)
        guard options.deletes == .mirror, version.sha256 != nil else { return .done(followUps: []) }
        return .done(followUps: [.purge(version, notBefore: deletedAt.addingTimeInterval(options.effectiveRetention.seconds))])
    }

    /// `mirror` after the retention: deletes the content's master and renditions when no present
    /// file and no version of another path references it, never before the tier's minimum
    /// retention since the blob was written, and the path's entity when the path is still gone.
    func purge(_ row: OutboxRow, _ version: PathVersion) async throws -> Outcome {
        let sha = row.target
        let references = try catalog.references(of: sha, besides: version)
        if references.referenced { return .done(followUps: []) }
        let now = options.clock()
        // A master upload still queued would bring the blob back after the purge: wait for it.
        if references.uploadQueued { return .postponed(now.addingTimeInterval(options.pollInterval.seconds * 30)) }
        if let blob = try await storage.blobs.propertiesIfExists(container: CloudKeys.masterContainer, name: sha),
            let written = blob.lastModified
        {
            let tier = blob.accessTier ?? options.masterTier
            let earliest = written.addingTimeInterval(SyncOptions.minimumRetention(of: tier).seconds)
            if earliest > now { return .postponed(earliest) }
            _ = try await storage.blobs.delete(container: CloudKeys.masterContainer, name: sha)
        }
        for name in references.renditions {
            _ = try await storage.blobs.delete(
                container: CloudKeys.previewContainer, name: CloudKeys.renditionBlob(sha256: sha, name: name))
        }
        if let fileId = row.fileId, try catalog.fileState(id: fileId) != .present {
            try await storage.tables.delete(
                partitionKey: version.library, rowKey: CloudKeys.fileRowKey(path: version.path),
                from: CloudKeys.filesTable)
        }
        return .done(followUps: [])
    }
}
