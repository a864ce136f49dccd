import AzureStorage
import Catalog
import Foundation
import GRDB

/// The `files` entity of a path, built from the catalog's current state (so a late or repeated row
/// writes the newest facts): content, size, times, image facts and the list of renditions.
enum FileEntity {
    /// The entity of file row `fileId`, nil when the row is gone.
    static func make(fileId: Int64, catalog: Catalog) throws -> (entity: TableEntity, present: Bool)? {
        try catalog.read { db in
            guard let file = try FileRecord.fetchOne(db, key: fileId) else { return nil }
            let library = try String.fetchOne(
                db, sql: "SELECT name FROM libraries WHERE id = ?", arguments: [file.libraryId]) ?? ""
            var entity = TableEntity(partitionKey: library, rowKey: CloudKeys.fileRowKey(path: file.path))
            entity["path"] = .string(file.path)
            entity["size"] = .int64(file.size)
            entity["mtime"] = .date(Date(timeIntervalSince1970: Double(file.mtimeNs) / 1e9))
            entity["mtimeNs"] = .int64(file.mtimeNs)
            entity["deleted"] = .bool(file.state != "present")
            if file.state != "present",
                let payload = try String.fetchOne(
                    db, sql: "SELECT payload FROM outbox WHERE kind = 'delete' AND file_id = ? ORDER BY id DESC LIMIT 1",
                    arguments: [fileId]),
                let deleted = OutboxPayload.decoded(payload).recordedNs
            {
                entity["deletedAt"] = .date(Date(timeIntervalSince1970: Double(deleted) / 1e9))
            }
            if let sha = file.sha256 { entity["sha256"] = .string(sha) }
            if let assetId = file.assetId, let asset = try AssetRecord.fetchOne(db, key: assetId) {
                describe(&entity, asset)
                let names = try String.fetchAll(
                    db, sql: "SELECT name FROM renditions WHERE asset_id = ? ORDER BY width DESC, name",
                    arguments: [assetId])
                entity["renditions"] = .string(names.joined(separator: ","))
            }
            return (entity, file.state == "present")
        }
    }

    private static func describe(_ entity: inout TableEntity, _ asset: AssetRecord) {
        entity["contentType"] = .string(asset.mime)
        entity["kind"] = .string(asset.kind)
        entity["md5"] = .string(asset.md5)
        if let width = asset.width { entity["width"] = .int32(Int32(clamping: width)) }
        if let height = asset.height { entity["height"] = .int32(Int32(clamping: height)) }
        if let takenAt = asset.takenAt { entity["takenAt"] = .string(takenAt + (asset.takenOffset ?? "")) }
        if let make = asset.cameraMake { entity["cameraMake"] = .string(make) }
        if let model = asset.cameraModel { entity["cameraModel"] = .string(model) }
        if let latitude = asset.latitude { entity["latitude"] = .double(latitude) }
        if let longitude = asset.longitude { entity["longitude"] = .double(longitude) }
        if let altitude = asset.altitude { entity["altitude"] = .double(altitude) }
        if let phash = asset.phash { entity["phash"] = .string(String(format: "%016llx", UInt64(bitPattern: phash))) }
    }
}
