import AzureStorage
import Catalog
import Foundation

extension OutboxWorker {
    /// Writes the path's `files` entity from the catalog's current state: replaced whole while the
    /// file is present, merged (deleted flag and time) once it is gone.
    func entity(_ row: OutboxRow) async throws {
        // A file row gone with its library has nothing to describe.
        guard let fileId = row.fileId, let facts = try catalog.fileFacts(fileId: fileId) else { return }
        let (entity, present) = FileEntity.make(facts, device: options.device)
        try await resources.ensure(table: CloudKeys.filesTable)
        if FileEntity.keepsCloudDescription(facts), let asset = facts.asset {
            return try await replaceKeepingDescription(
                entity, sha256: asset.sha256, path: (facts.library, facts.file.path), subject: subject(row))
        }
        try await storage.tables.upsert(entity, in: CloudKeys.filesTable, mode: present ? .replace : .merge)
    }

    /// Replaces the row of a path whose content `ironviper worker` describes, keeping the description
    /// the worker may already have merged into it (and teaching the catalog from it). Under the row's
    /// ETag, so a worker merging at the same moment is read again rather than overwritten.
    private func replaceKeepingDescription(
        _ entity: TableEntity, sha256: String, path: (library: String, path: String), subject: String
    ) async throws {
        let table = CloudKeys.filesTable
        for _ in 0..<8 {
            var fresh = entity
            guard let existing = try await storage.tables.get(
                partitionKey: entity.partitionKey, rowKey: entity.rowKey, from: table)
            else {
                do {
                    try await storage.tables.insert(fresh, into: table)
                    return
                } catch let error as AzureStorageError where error.isAlreadyExists {
                    continue  // the worker wrote it first: read it and keep its description
                }
            }
            if existing["sha256"]?.string == sha256 {
                for name in DescriptionFields.names { fresh[name] = existing[name] }
                if let learned = DescriptionFields.learned(from: existing, sha256: sha256) {
                    try catalog.learnDescription(sha256: sha256, learned, from: path, at: Timestamp.now())
                }
            }
            do {
                try await storage.tables.replace(fresh, in: table, etag: existing.etag)
                return
            } catch let error as AzureStorageError where error.isConditionNotMet || error.isNotFound {
                continue
            }
        }
        throw SyncError(.conflict, subject, detail: "the row kept changing while it was written", permanent: false)
    }

    /// Writes one `folders` row: PartitionKey = device, library and parent path, RowKey = the folder's name.
    func folder(_ row: OutboxRow, _ entry: FolderEntry) async throws {
        let (folder, library) = (entry.folder, entry.library)
        let parts = folder.split(separator: "/", omittingEmptySubsequences: false)
        let name = parts.last.map(String.init) ?? folder
        let parent = parts.dropLast().joined(separator: "/")
        var entity = TableEntity(
            partitionKey: options.device.folderPartition(library: library, parent: parent),
            rowKey: CloudKeys.encodeKey(name))
        entity["device"] = .string(options.device.device)
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
        var entity = TableEntity(
            partitionKey: options.device.historyPartition(library: version.library, path: version.path),
            rowKey: CloudKeys.invertedTicks(nanoseconds: recorded))
        entity["device"] = .string(options.device.device)
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
    func delete(_ row: OutboxRow, _ version: PathVersion) async throws -> OutboxOutcome {
        if let fileId = row.fileId, try catalog.fileState(id: fileId) == .present {
            return .done(followUps: [])  // back on disk since: its entity row says so
        }
        let deletedAt = OutboxTime.date(nanoseconds: version.recordedNs)
        var entity = TableEntity(
            partitionKey: options.device.filesPartition(library: version.library),
            rowKey: CloudKeys.fileRowKey(path: version.path))
        entity["device"] = .string(options.device.device)
        entity["library"] = .string(version.library)
        entity["path"] = .string(version.path)
        entity["deleted"] = .bool(true)
        entity["deletedAt"] = .date(deletedAt)
        try await resources.ensure(table: CloudKeys.filesTable)
        try await storage.tables.upsert(entity, in: CloudKeys.filesTable, mode: .merge)
        guard options.deletes == .mirror, version.sha256 != nil else { return .done(followUps: []) }
        return .done(followUps: [
            .purge(version, notBefore: deletedAt.addingTimeInterval(options.effectiveRetention.seconds))
        ])
    }
}
