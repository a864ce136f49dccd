import AzureStorage
import Catalog
import Foundation

/// What the cloud holds: blobs of both containers and the rows of `files` and `history`.
struct CloudInventory: Sendable {
    var masters: [String: BlobProperties] = [:]
    var renditions: Set<String> = []
    /// `files` rows by `library/RowKey`.
    var rows: [String: TableEntity] = [:]
    /// Contents some `history` version references.
    var historyContents: Set<String> = []

    static func rowKey(library: String, path: String) -> String { library + "/" + CloudKeys.fileRowKey(path: path) }

    static func read(_ storage: StorageClient) async throws -> CloudInventory {
        var inventory = CloudInventory()
        for blob in try await missingIsEmpty({ try await storage.blobs.allBlobs(container: CloudKeys.masterContainer) })
        {
            inventory.masters[blob.name] = blob.properties
        }
        inventory.renditions = Set(
            try await missingIsEmpty({ try await storage.blobs.allBlobs(container: CloudKeys.previewContainer) }).map(
                \.name))
        for row in try await missingIsEmpty({ try await storage.tables.queryAll(CloudKeys.filesTable) }) {
            inventory.rows[row.partitionKey + "/" + row.rowKey] = row
        }
        let versions = try await missingIsEmpty({
            try await storage.tables.queryAll(CloudKeys.historyTable, select: ["sha256"])
        })
        inventory.historyContents = Set(versions.compactMap { $0["sha256"]?.string })
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
