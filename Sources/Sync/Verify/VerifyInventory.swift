import AzureStorage
import Catalog
import Foundation
import GRDB

/// What the local catalog says should be in the cloud, read in one transaction.
struct CatalogInventory: Sendable {
    struct File: Sendable {
        var id: Int64
        var library: String
        var path: String
        var size: Int64
        var sha256: String
        var present: Bool
    }

    struct Content: Sendable {
        var sha256: String
        var size: Int64
        var md5: String
        var renditions: [String]
        /// True when a present file holds it (so the cloud must have it).
        var live: Bool
    }

    var files: [File] = []
    var contents: [String: Content] = [:]
    /// Outbox rows not done yet: (kind, target) and the file rows they are for.
    var pendingTargets: Set<String> = []
    var pendingFiles: Set<Int64> = []

    static func key(_ kind: OutboxKind, _ target: String) -> String { kind.rawValue + " " + target }

    static func read(_ catalog: Catalog) throws -> CatalogInventory {
        try catalog.read { db in
            var inventory = CatalogInventory()
            let files = try Row.fetchAll(
                db,
                sql: """
                    SELECT files.id AS id, libraries.name AS library, files.path AS path, files.size AS size,
                           files.sha256 AS sha256, files.state AS state
                    FROM files JOIN libraries ON libraries.id = files.library_id WHERE files.sha256 IS NOT NULL
                    """)
            for row in files {
                inventory.files.append(
                    File(
                        id: row["id"], library: row["library"], path: row["path"], size: row["size"],
                        sha256: row["sha256"], present: (row["state"] as String) == "present"))
            }
            let live = Set(inventory.files.filter(\.present).map(\.sha256))
            for asset in try AssetRecord.fetchAll(db) {
                let names = try String.fetchAll(
                    db, sql: "SELECT name FROM renditions WHERE asset_id = ? ORDER BY name", arguments: [asset.id])
                inventory.contents[asset.sha256] = Content(
                    sha256: asset.sha256, size: asset.size, md5: asset.md5, renditions: names,
                    live: live.contains(asset.sha256))
            }
            for row in try Row.fetchAll(db, sql: "SELECT kind, target, file_id FROM outbox WHERE done_at IS NULL") {
                inventory.pendingTargets.insert((row["kind"] as String) + " " + (row["target"] as String))
                if let fileId = row["file_id"] as Int64? { inventory.pendingFiles.insert(fileId) }
            }
            return inventory
        }
    }
}

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
