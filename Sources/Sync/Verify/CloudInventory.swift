import AzureStorage
import Catalog
import Foundation

/// What the cloud holds: blobs of both containers, this device's `files` rows, and what every
/// device's `files`, `history` and `refs` rows reference.
struct CloudInventory: Sendable {
    var masters: [String: BlobProperties] = [:]
    var renditions: Set<String> = []
    /// This device's `files` rows by PartitionKey and RowKey.
    var rows: [String: TableEntity] = [:]
    /// Contents any device's `files` row or `history` version references.
    var rowContents: Set<String> = []
    /// `refs` rows (not purge markers) by the content they reference.
    var references: [String: [TableEntity]] = [:]

    static func rowKey(device: DeviceKeys, library: String, path: String) -> String {
        device.filesPartition(library: library) + "/" + CloudKeys.fileRowKey(path: path)
    }

    static func read(_ storage: StorageClient, device: DeviceKeys) async throws -> CloudInventory {
        var inventory = CloudInventory()
        for blob in try await missingIsEmpty({
            try await storage.blobs.allBlobs(container: CloudKeys.masterContainer, includeImmutabilityPolicy: true)
        }) {
            inventory.masters[blob.name] = blob.properties
        }
        inventory.renditions = Set(
            try await missingIsEmpty({ try await storage.blobs.allBlobs(container: CloudKeys.previewContainer) }).map(
                \.name))
        for row in try await missingIsEmpty({ try await storage.tables.queryAll(CloudKeys.filesTable) }) {
            if let sha = row["sha256"]?.string { inventory.rowContents.insert(sha) }
            if device.owns(row.partitionKey) { inventory.rows[row.partitionKey + "/" + row.rowKey] = row }
        }
        for row in try await missingIsEmpty({ try await storage.tables.queryAll(CloudKeys.referencesTable) })
        where row.rowKey != CloudKeys.purgeMarker {
            inventory.references[row.partitionKey, default: []].append(row)
        }
        let versions = try await missingIsEmpty({
            try await storage.tables.queryAll(CloudKeys.historyTable, select: ["sha256"])
        })
        inventory.rowContents.formUnion(versions.compactMap { $0["sha256"]?.string })
        return inventory
    }

    // A container or table never created (nothing synced yet) is an empty one.
    private static func missingIsEmpty<T>(_ body: () async throws -> [T]) async throws -> [T] {
        do {
            return try await body()
        } catch let error as AzureStorageError where error.isNotFound {
            return []
        }
    }
}
