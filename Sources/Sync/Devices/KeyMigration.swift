import AzureStorage
import Catalog
import Foundation

/// Moves a device's rows to other keys without uploading anything: the rows an ironviper without
/// devices wrote (keyed by library alone) to a device's keys, or a device's rows to its new name.
/// Masters are content-addressed and never move. Each row is written under its new keys before its
/// old row is deleted, and `refs` rows first of all, so an interrupted run loses nothing and a run
/// again finishes the move (every step is an upsert or a delete of what is still there).
package struct KeyMigration: Sendable {
    /// Whose rows move.
    package enum Source: Sendable, Equatable {
        /// Rows written before devices existed (they carry no `device` property), of these libraries
        /// (nil: every library; two machines that shared an account before devices wrote each other's
        /// rows anyway, but machines with their own library names keep their own).
        case legacy(libraries: Set<String>?)
        /// A device's rows, moving to another name.
        case device(DeviceKeys)
    }

    /// What a run moved.
    package struct Report: Sendable, Equatable, Codable {
        package var files = 0
        package var folders = 0
        package var history = 0
        /// `refs` rows written (legacy: made from the `files` and `history` rows) or moved.
        package var references = 0
        /// `devices` rows moved (a rename).
        package var libraries = 0

        package init() {}
    }

    let storage: StorageClient

    /// A migration working through `storage`.
    package init(storage: StorageClient) {
        self.storage = storage
    }

    /// Moves `source`'s rows to `target`'s keys.
    package func run(from source: Source, to target: DeviceKeys) async throws -> Report {
        var report = Report()
        _ = try await storage.tables.createTable(CloudKeys.referencesTable)
        let files = try await rows(CloudKeys.filesTable, of: source)
        let history = try await rows(CloudKeys.historyTable, of: source)
        // References first: while rows move, a purge on another device must already see them.
        switch source {
        case .legacy:
            for row in files { report.references += try await reference(row, library: row.partitionKey, to: target) }
            for row in history {
                report.references += try await reference(row, library: row["library"]?.string, to: target)
            }
        case .device(let old):
            let filter = "RowKey ge '\(old.prefix)' and RowKey lt '\(old.prefixEnd)'"
            for row in try await all(CloudKeys.referencesTable, filter: filter) {
                try await move(
                    row, in: CloudKeys.referencesTable, to: row.partitionKey,
                    target.prefix + row.rowKey.dropFirst(old.prefix.count), device: target)
                report.references += 1
            }
            for row in try await all(CloudKeys.devicesTable, filter: "PartitionKey eq '\(old.device)'") {
                try await move(row, in: CloudKeys.devicesTable, to: target.device, row.rowKey, device: nil)
                report.libraries += 1
            }
        }
        for row in files {
            let library = libraryName(of: row, source: source)
            try await move(
                row, in: CloudKeys.filesTable, to: target.filesPartition(library: library), row.rowKey, device: target,
                library: library)
            report.files += 1
        }
        for row in try await rows(CloudKeys.foldersTable, of: source) {
            guard let library = row["library"]?.string, let folder = row["path"]?.string else { continue }
            let parent = folder.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(
                separator: "/")
            try await move(
                row, in: CloudKeys.foldersTable, to: target.folderPartition(library: library, parent: parent),
                row.rowKey, device: target)
            report.folders += 1
        }
        for row in history {
            guard let library = row["library"]?.string, let path = row["path"]?.string else { continue }
            try await move(
                row, in: CloudKeys.historyTable, to: target.historyPartition(library: library, path: path), row.rowKey,
                device: target)
            report.history += 1
        }
        return report
    }

    /// The rows of `table` that `source` owns.
    private func rows(_ table: String, of source: Source) async throws -> [TableEntity] {
        switch source {
        case .legacy(let libraries):
            try await all(table, filter: nil).filter { row in
                // A legacy `files` row's PartitionKey is its library; the other tables name it.
                let library = table == CloudKeys.filesTable ? row.partitionKey : row["library"]?.string ?? ""
                return row["device"] == nil && (libraries?.contains(library) ?? true)
            }
        case .device(let old): try await all(table, filter: old.partitionFilter)
        }
    }

    /// A `files` row's library: a legacy row's PartitionKey is the bare name.
    private func libraryName(of row: TableEntity, source: Source) -> String {
        if let library = row["library"]?.string { return library }
        if case .legacy = source { return row.partitionKey }
        return ""
    }

    /// The `refs` row a legacy `files` or `history` row implies.
    private func reference(_ row: TableEntity, library: String?, to target: DeviceKeys) async throws -> Int {
        guard let library, let path = row["path"]?.string, let sha = row["sha256"]?.string else { return 0 }
        var reference = TableEntity(partitionKey: sha, rowKey: target.referenceRowKey(library: library, path: path))
        reference["device"] = .string(target.device)
        reference["library"] = .string(library)
        reference["path"] = .string(path)
        if let recorded = row["recordedAt"] ?? row["mtime"] { reference["recordedAt"] = recorded }
        _ = try await storage.tables.upsert(reference, in: CloudKeys.referencesTable)
        return 1
    }

    /// Writes `row` under new keys (with its device and library), then deletes it under the old ones.
    private func move(
        _ row: TableEntity, in table: String, to partitionKey: String, _ rowKey: some StringProtocol,
        device: DeviceKeys?, library: String? = nil
    ) async throws {
        var moved = TableEntity(partitionKey: partitionKey, rowKey: String(rowKey), properties: row.properties)
        if let device { moved["device"] = .string(device.device) }
        if let library { moved["library"] = .string(library) }
        _ = try await storage.tables.upsert(moved, in: table)
        if moved.partitionKey != row.partitionKey || moved.rowKey != row.rowKey {
            _ = try await storage.tables.delete(partitionKey: row.partitionKey, rowKey: row.rowKey, from: table)
        }
    }

    /// Every row of a table matching `filter` (a table never created is empty).
    private func all(_ table: String, filter: String?) async throws -> [TableEntity] {
        do {
            return try await storage.tables.queryAll(table, filter: filter)
        } catch let error as AzureStorageError where error.isNotFound {
            return []
        }
    }
}
