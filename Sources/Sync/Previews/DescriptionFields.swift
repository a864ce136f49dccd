import AzureStorage
import Catalog
import Foundation
import Ingest

/// The properties of a `files` row that describe its content's image: written by the daemon from its
/// catalog (`FileEntity`), by `ironviper worker` after it made the previews in the cloud, and read back
/// by the daemon to learn what the worker found (`CloudDescriptions`). One list, so the three agree.
package enum DescriptionFields {
    /// Every property a description sets; a row written before its description has none of them.
    package static let names: Set<String> = [
        "width", "height", "takenAt", "cameraMake", "cameraModel", "latitude", "longitude", "altitude", "phash",
        "renditions", "renditionSizes", "renditionBlobs", "problem",
    ]

    /// The image facts of an analysed asset.
    package static func facts(of asset: AssetRecord) -> [String: EntityValue] {
        var facts: [String: EntityValue] = [:]
        if let width = asset.width { facts["width"] = .int32(Int32(clamping: width)) }
        if let height = asset.height { facts["height"] = .int32(Int32(clamping: height)) }
        if let takenAt = asset.takenAt { facts["takenAt"] = .string(takenAt + (asset.takenOffset ?? "")) }
        if let make = asset.cameraMake { facts["cameraMake"] = .string(make) }
        if let model = asset.cameraModel { facts["cameraModel"] = .string(model) }
        if let latitude = asset.latitude { facts["latitude"] = .double(latitude) }
        if let longitude = asset.longitude { facts["longitude"] = .double(longitude) }
        if let altitude = asset.altitude { facts["altitude"] = .double(altitude) }
        if let phash = asset.phash { facts["phash"] = .string(String(format: "%016llx", UInt64(bitPattern: phash))) }
        return facts
    }

    /// The renditions made: `renditions` (names, comma-separated, as the daemon always wrote them),
    /// `renditionSizes` (`name:width:height:bytes`, so a catalog can record them without a download)
    /// and, when some are byte-identical to another, `renditionBlobs` (`name=blob`: the rendition
    /// `name` is stored as `pv-store/<sha256>/<blob>.jpg`; a name not listed is its own blob).
    package static func renditions(_ renditions: [RenditionRecord]) -> [String: EntityValue] {
        var fields: [String: EntityValue] = [
            "renditions": .string(renditions.map(\.name).joined(separator: ",")),
            "renditionSizes": .string(
                renditions.map { "\($0.name):\($0.width):\($0.height):\($0.bytes)" }.joined(separator: ",")),
        ]
        let aliases = renditions.filter { $0.blob != $0.name }.map { "\($0.name)=\($0.blob)" }
        if !aliases.isEmpty { fields["renditionBlobs"] = .string(aliases.joined(separator: ",")) }
        return fields
    }

    /// What went wrong describing a content (no previews, or previews of damaged data): `code: message`.
    package static func problem(code: String, message: String) -> [String: EntityValue] {
        ["problem": .string("\(code): \(message)")]
    }

    /// Whether a row carries a finished description (previews, or the reason there are none).
    package static func isDescribed(_ entity: TableEntity) -> Bool {
        entity["renditions"] != nil || entity["problem"] != nil
    }

    /// The description in a row, as the catalog records it; nil when the row has none yet.
    package static func learned(from entity: TableEntity, sha256: String) -> LearnedDescription? {
        guard isDescribed(entity) else { return nil }
        var learned = LearnedDescription()
        learned.width = entity["width"]?.int64.map(Int.init)
        learned.height = entity["height"]?.int64.map(Int.init)
        if let taken = entity["takenAt"]?.string {
            (learned.takenAt, learned.takenOffset) = splitOffset(taken)
        }
        learned.cameraMake = entity["cameraMake"]?.string
        learned.cameraModel = entity["cameraModel"]?.string
        learned.latitude = entity["latitude"]?.double
        learned.longitude = entity["longitude"]?.double
        learned.altitude = entity["altitude"]?.double
        learned.phash = entity["phash"]?.string.flatMap { UInt64($0, radix: 16) }.map { Int64(bitPattern: $0) }
        var blobs: [String: String] = [:]
        for pair in (entity["renditionBlobs"]?.string ?? "").split(separator: ",") {
            let sides = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if sides.count == 2 { blobs[sides[0]] = sides[1] }
        }
        for part in (entity["renditionSizes"]?.string ?? "").split(separator: ",") {
            let fields = part.split(separator: ":").map(String.init)
            guard fields.count == 4, let width = Int(fields[1]), let height = Int(fields[2]), let bytes = Int(fields[3])
            else { continue }
            learned.renditions.append(
                RenditionRecord(
                    assetId: 0, name: fields[0], width: width, height: height, bytes: bytes,
                    path: PreviewStore.relativePath(sha256: sha256, name: blobs[fields[0]] ?? fields[0])))
        }
        if let error = entity["problem"]?.string {
            let parts = error.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            learned.problem = (parts[0], parts.count > 1 ? parts[1] : error)
        }
        return learned
    }

    /// `2019-07-01T10:00:00+02:00` → the local time and its offset, as the catalog keeps them apart.
    static func splitOffset(_ text: String) -> (String, String?) {
        let tail = text.suffix(6)
        if tail.count == 6, tail.first == "+" || tail.first == "-", tail.dropFirst(3).first == ":" {
            return (String(text.dropLast(6)), String(tail))
        }
        if text.hasSuffix("Z") { return (String(text.dropLast()), "Z") }
        return (text, nil)
    }
}
