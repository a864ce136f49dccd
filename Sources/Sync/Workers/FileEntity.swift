import AzureStorage
import Catalog
import Foundation

/// The `files` entity of a path, built from the catalog's current facts (so a late or repeated row
/// writes the newest facts): content, size, times, image facts and the list of renditions.
enum FileEntity {
    /// The entity of a file row, and whether the file is present.
    static func make(_ facts: FileFacts, device: DeviceKeys) -> (entity: TableEntity, present: Bool) {
        let file = facts.file
        let present = file.state == .present
        var entity = TableEntity(
            partitionKey: device.filesPartition(library: facts.library), rowKey: CloudKeys.fileRowKey(path: file.path))
        entity["device"] = .string(device.device)
        entity["library"] = .string(facts.library)
        entity["path"] = .string(file.path)
        entity["size"] = .int64(file.size)
        entity["mtime"] = .date(OutboxTime.date(nanoseconds: file.mtimeNs))
        entity["mtimeNs"] = .int64(file.mtimeNs)
        entity["deleted"] = .bool(!present)
        if !present, let deleted = facts.deletedNs {
            entity["deletedAt"] = .date(OutboxTime.date(nanoseconds: deleted))
        }
        if let sha = file.sha256 { entity["sha256"] = .string(sha) }
        if let asset = facts.asset {
            describe(&entity, asset)
            entity["renditions"] = .string(facts.renditions.joined(separator: ","))
        }
        return (entity, present)
    }

    private static func describe(_ entity: inout TableEntity, _ asset: AssetRecord) {
        entity["contentType"] = .string(asset.mime)
        entity["kind"] = .string(asset.kind.rawValue)
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
