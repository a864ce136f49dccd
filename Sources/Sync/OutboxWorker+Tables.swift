import AzureStorage
import Catalog
import Foundation
import GRDB

extension OutboxWorker {
    /// Writes the path's `files` entity from the catalog's current state: replaced whole while the
    /// file is present, merged (deleted flag and time) once it is gone.
    func entity(_ row: OutboxRow) async throws {
        guard let fileId = row.fileId, let (entity, present) = try FileEntity.make(fileId: fileId, catalog: catalog)
        else { return }  // the file row is gone with its library: nothing to describe
        try await resources.ensure(table: CloudKeys.filesTable)
        try await storage.tables.upsert(entity, in: CloudKeys.filesTable, mode: present ? .replace : .merge)
    }

    /// Writes one `folders` row: PartitionKey = library + parent path, RowKey = the folder's name.
    func folder(_ row: OutboxRow) async throws {
        guard let folder = row.payload.folder, let library = row.payload.library else {
            throw SyncError(.badRow, subject(row), detail: "payload names no folder", permanent: true)
        }
        let name = folder.split(separator: "/").last.map(String.init) ?? folder
        var entity = TableEntity(partitionKey: row.target, rowKey: CloudKeys.encodeKey(name))
        entity["name"] = .string(name)
        entity["path"] = .string(folder)
        entity["library"] = .string(library)
        try await resources.ensure(table: CloudKeys.foldersTable)
        try await storage.tables.upsert(entity, in: CloudKeys.foldersTable)
    }

    /// Writes one `history` row: the version's content and times, newest first in its partition.
    func history(_ row: OutboxRow) async throws {
        let payload = row.payload
        guard let recorded = payload.recordedNs, let sha = payload.sha256 else {
            throw SyncError(.badRow, subject(row), detail: "payload lacks the version's time or content", permanent: true)
        }
        var entity = TableEntity(partitionKey: row.target, rowKey: CloudKeys.invertedTicks(nanoseconds: recorded))
        entity["sha256"] = .string(sha)
        entity["library"] = .string(payload.library ?? "")
        entity["path"] = .string(payload.path ?? "")
        entity["recordedAt"] = .date(Date(timeIntervalSince1970: Double(recorded) / 1e9))
        if let size = payload.size { entity["size"] = .int64(size) }
        if let mtime = payload.mtimeNs {
            entity["mtime"] = .date(Date(timeIntervalSince1970: Double(mtime) / 1e9))
            entity["mtimeNs"] = .int64(mtime)
        }
        try await resources.ensure(table: CloudKeys.historyTable)
        try await storage.tables.upsert(entity, in: CloudKeys.historyTable)
    }

    /// A path vanished: its entity is marked deleted with the time (created that way if its entity
    /// row has not run yet). With `mirror`, a purge of its content is queued for after the retention.
    func delete(_ row: OutboxRow) async throws -> Outcome {
        if let fileId = row.fileId,
            let state = try catalog.read({ db in
                try String.fetchOne(db, sql: "SELECT state FROM files WHERE id = ?", arguments: [fileId])
            }), state == "present"
        {
            return .done(follow: nil)  // back on disk since: its entity row says so
        }
        guard let library = row.payload.library, let recorded = row.payload.recordedNs else {
            throw SyncError(.badRow, subject(row), detail: "payload lacks the library or time", permanent: true)
        }
        let deletedAt = Date(timeIntervalSince1970: Double(recorded) / 1e9)
        var entity = TableEntity(partitionKey: library, rowKey: row.target)
        entity["deleted"] = .bool(true)
        entity["deletedAt"] = .date(deletedAt)
        try await resources.ensure(table: CloudKeys.filesTable)
        try await storage.tables.upsert(entity, in: CloudKeys.filesTable, mode: .merge)
        guard options.deletes == .mirror, let sha = row.payload.sha256 else { return .done(follow: nil) }
        let notBefore = OutboxStore.format(deletedAt.addingTimeInterval(options.effectiveRetention.seconds))
        let payload = row.payload.encoded()
        let (fileId, assetId) = (row.fileId, row.assetId)
        return .done { db in
            try db.execute(
                sql: """
                    INSERT INTO outbox (kind, target, payload, file_id, asset_id, created_at, not_before)
                    VALUES ('purge', ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [sha, payload, fileId, assetId, Timestamp.now(), notBefore])
        }
    }

    /// `mirror` after the retention: deletes the content's master and renditions when no present
    /// file and no version of another path references it, never before the tier's minimum
    /// retention since the blob was written, and the path's entity when the path is still gone.
    func purge(_ row: OutboxRow) async throws -> Outcome {
        let sha = row.target
        let payload = row.payload
        let (referenced, uploading, renditions) = try catalog.read { db in
            let present = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM files WHERE sha256 = ? AND state = 'present')",
                arguments: [sha]) ?? false
            let otherVersion = try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM outbox WHERE kind = 'history' AND json_extract(payload, '$.sha256') = ?
                        AND NOT (json_extract(payload, '$.library') IS ? AND json_extract(payload, '$.path') IS ?))
                    """,
                arguments: [sha, payload.library, payload.path]) ?? false
            let uploading = try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM outbox WHERE kind = 'master' AND target = ? AND done_at IS NULL)",
                arguments: [sha]) ?? false
            let renditions = try String.fetchAll(
                db,
                sql: "SELECT r.name FROM renditions r JOIN assets a ON a.id = r.asset_id WHERE a.sha256 = ?",
                arguments: [sha])
            return (present || otherVersion, uploading, renditions)
        }
        if referenced { return .done(follow: nil) }
        let now = options.clock()
        // A master upload still queued would bring the blob back after the purge: wait for it.
        if uploading { return .postponed(now.addingTimeInterval(options.pollInterval.seconds * 30)) }
        if let blob = try await storage.blobs.propertiesIfExists(container: CloudKeys.masterContainer, name: sha),
            let written = blob.lastModified
        {
            let tier = blob.accessTier ?? options.masterTier
            let earliest = written.addingTimeInterval(SyncOptions.minimumRetention(of: tier).seconds)
            if earliest > now { return .postponed(earliest) }
            _ = try await storage.blobs.delete(container: CloudKeys.masterContainer, name: sha)
        }
        for name in renditions {
            _ = try await storage.blobs.delete(
                container: CloudKeys.previewContainer, name: CloudKeys.renditionBlob(sha256: sha, name: name))
        }
        if let library = payload.library, let path = payload.path, let fileId = row.fileId {
            let gone = try catalog.read { db in
                try String.fetchOne(db, sql: "SELECT state FROM files WHERE id = ?", arguments: [fileId]) != "present"
            }
            if gone {
                try await storage.tables.delete(
                    partitionKey: library, rowKey: CloudKeys.fileRowKey(path: path), from: CloudKeys.filesTable)
            }
        }
        return .done(follow: nil)
    }
}
