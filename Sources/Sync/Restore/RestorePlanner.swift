import AzureStorage
import Catalog
import Foundation

/// Decides what a restore puts back from the cloud alone: one device's rows of the `files` table for
/// the current state, or of the `history` table for a point in time. No local catalog is read, so a
/// fresh machine with only a connection string can restore any device's files.
package struct RestorePlanner: Sendable {
    let storage: StorageClient
    let device: DeviceKeys

    /// A planner reading `device`'s rows through `storage`.
    package init(storage: StorageClient, device: DeviceKeys) {
        self.storage = storage
        self.device = device
    }

    /// The selected files, sorted by library and path.
    package func plan(_ selection: RestoreSelection) async throws -> [RestoreItem] {
        let items: [RestoreItem]
        if let time = selection.at {
            items = try await fromHistory(selection, at: time)
        } else {
            items = try await fromFiles(selection)
        }
        return items.sorted { ($0.library, $0.path) < ($1.library, $1.path) }
    }

    /// Present rows of the `files` table.
    func fromFiles(_ selection: RestoreSelection) async throws -> [RestoreItem] {
        let rows = try await files(selection)
        return rows.compactMap { row -> RestoreItem? in
            guard row["deleted"]?.bool != true, let library = row["library"]?.string, let path = row["path"]?.string,
                let sha = row["sha256"]?.string, selection.includes(library: library, path: path)
            else { return nil }
            return RestoreItem(
                library: library, path: path, sha256: sha, size: row["size"]?.int64 ?? 0,
                mtimeNs: row["mtimeNs"]?.int64)
        }
    }

    /// Per path, the newest version recorded at or before `time`; a path whose `files` row says it
    /// was deleted by then is left out (its later re-creation would have a newer version).
    func fromHistory(_ selection: RestoreSelection, at time: Date) async throws -> [RestoreItem] {
        let libraryFilter = selection.library.map { " and library eq '\(Self.quoted($0))'" } ?? ""
        let versions = try await query(CloudKeys.historyTable, filter: device.partitionFilter + libraryFilter)
        var newest: [String: (recorded: Date, item: RestoreItem)] = [:]
        for row in versions {
            guard let library = row["library"]?.string, let path = row["path"]?.string,
                let sha = row["sha256"]?.string, let recorded = row["recordedAt"]?.date, recorded <= time,
                selection.includes(library: library, path: path)
            else { continue }
            let key = library + "/" + path
            if let known = newest[key], known.recorded >= recorded { continue }
            let item = RestoreItem(
                library: library, path: path, sha256: sha, size: row["size"]?.int64 ?? 0, mtimeNs: row["mtimeNs"]?.int64
            )
            newest[key] = (recorded, item)
        }
        var deletedAt: [String: Date] = [:]
        for row in try await files(selection) where row["deleted"]?.bool == true {
            if let library = row["library"]?.string, let path = row["path"]?.string, let when = row["deletedAt"]?.date {
                deletedAt[library + "/" + path] = when
            }
        }
        return newest.compactMap { key, version in
            // Deleted by then, and not re-created after the deletion (that would be a newer version).
            if let deleted = deletedAt[key], deleted <= time, version.recorded <= deleted { return nil }
            return version.item
        }
    }

    /// The device's `files` rows, of one library when the selection names one.
    private func files(_ selection: RestoreSelection) async throws -> [TableEntity] {
        let filter = selection.library.map { "PartitionKey eq '\(Self.quoted(device.filesPartition(library: $0)))'" }
        return try await query(CloudKeys.filesTable, filter: filter ?? device.partitionFilter)
    }

    private static func quoted(_ text: String) -> String { text.replacingOccurrences(of: "'", with: "''") }

    /// The rows of a table matching `filter` (a missing table is empty).
    private func query(_ table: String, filter: String) async throws -> [TableEntity] {
        do {
            return try await storage.tables.queryAll(table, filter: filter)
        } catch let error as AzureStorageError where error.isNotFound {
            return []
        }
    }
}
