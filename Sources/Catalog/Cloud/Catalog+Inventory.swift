import Foundation
import GRDB

/// What the local catalog says should be in the cloud, read in one transaction (what verify compares).
package struct CatalogInventory: Sendable {
    package struct File: Sendable {
        package var id: Int64
        package var library: String
        package var path: String
        package var size: Int64
        package var sha256: String
        package var present: Bool
    }

    package struct Content: Sendable {
        package var sha256: String
        package var size: Int64
        package var md5: String
        package var renditions: [String]
        /// True when a present file holds it (so the cloud must have it).
        package var live: Bool
    }

    package var files: [File] = []
    package var contents: [String: Content] = [:]
    /// Outbox work not done yet, and the file rows it is for.
    package var pending: Set<OutboxTarget> = []
    package var pendingFiles: Set<Int64> = []
}

extension Catalog {
    /// Every hashed file, every content and the outbox work still queued, as of one moment.
    package func inventory() throws -> CatalogInventory {
        try read { db in
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
                    CatalogInventory.File(
                        id: row["id"], library: row["library"], path: row["path"], size: row["size"],
                        sha256: row["sha256"], present: (row["state"] as FileState?) == .present))
            }
            let live = Set(inventory.files.filter(\.present).map(\.sha256))
            for asset in try AssetRecord.fetchAll(db) {
                let names = Set(
                    try RenditionRecord.filter(Column("asset_id") == asset.id).fetchAll(db).map(\.blob)
                ).sorted()
                inventory.contents[asset.sha256] = CatalogInventory.Content(
                    sha256: asset.sha256, size: asset.size, md5: asset.md5, renditions: names,
                    live: live.contains(asset.sha256))
            }
            for row in try Row.fetchAll(db, sql: "SELECT kind, target, file_id FROM outbox WHERE done_at IS NULL") {
                if let kind = OutboxKind(rawValue: row["kind"]) {
                    inventory.pending.insert(OutboxTarget(kind, row["target"]))
                }
                if let fileId = row["file_id"] as Int64? { inventory.pendingFiles.insert(fileId) }
            }
            return inventory
        }
    }
}
