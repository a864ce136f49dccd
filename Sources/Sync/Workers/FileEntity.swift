import AzureStorage
import Catalog
import Foundation

/// The `files` entity of a path, built from the catalog's current facts (so a late or repeated row
/// writes the newest facts): content, size, times, image facts, the list of renditions, and the
/// gallery's tags and rating.
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
        // The gallery's tags (comma-separated, as `renditions`) and stars; a present row is replaced whole,
        // so a cleared tag list or rating disappears from it.
        if !facts.annotation.tags.isEmpty { entity["tags"] = .string(facts.annotation.tags.joined(separator: ",")) }
        if let rating = facts.annotation.rating { entity["rating"] = .int32(Int32(rating)) }
        if let asset = facts.asset {
            entity["contentType"] = .string(asset.mime)
            entity["kind"] = .string(asset.kind.rawValue)
            entity["md5"] = .string(asset.md5)
            // Content described in the cloud is not described here yet: what the worker wrote into the
            // row is carried over (`OutboxWorker.entity`), not blanked.
            if asset.analyzedAt != AssetRecord.describedInCloud {
                entity.properties.merge(DescriptionFields.facts(of: asset)) { $1 }
                entity.properties.merge(DescriptionFields.renditions(facts.renditions)) { $1 }
            }
        }
        return (entity, present)
    }

    /// Whether the path's row carries a description `ironviper worker` writes into it, which a replace must keep
    /// (read first, replaced under its ETag: never part of a `$batch`).
    static func keepsCloudDescription(_ facts: FileFacts) -> Bool {
        facts.file.state == .present && facts.asset?.analyzedAt == AssetRecord.describedInCloud
    }
}
