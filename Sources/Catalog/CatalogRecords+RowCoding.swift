import GRDB

// `files` and `assets` rows, the two written and read for every file a backup sees, are read and written column
// by column rather than through Codable: GRDB's Codable bridge builds a keyed encoder or decoder per row and
// converts every property name to snake case each time (with 5,000 small files, record coding and the
// conversion were 5 % of the daemon's CPU). The other records keep Codable. A column added to either table
// needs its line here: `CatalogRowCodingTests` round-trips every column.

extension FileRecord {
    package init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        libraryId = try row.decode(forColumn: "library_id")
        path = try row.decode(forColumn: "path")
        size = try row.decode(forColumn: "size")
        mtimeNs = try row.decode(forColumn: "mtime_ns")
        inode = try row.decode(forColumn: "inode")
        sha256 = try row.decode(forColumn: "sha256")
        state = try row.decode(forColumn: "state")
        assetId = try row.decode(forColumn: "asset_id")
        firstSeen = try row.decode(forColumn: "first_seen")
        lastSeen = try row.decode(forColumn: "last_seen")
    }

    package func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["library_id"] = libraryId
        container["path"] = path
        container["size"] = size
        container["mtime_ns"] = mtimeNs
        container["inode"] = inode
        container["sha256"] = sha256
        container["state"] = state
        container["asset_id"] = assetId
        container["first_seen"] = firstSeen
        container["last_seen"] = lastSeen
    }
}

extension AssetRecord {
    package init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        sha256 = try row.decode(forColumn: "sha256")
        md5 = try row.decode(forColumn: "md5")
        size = try row.decode(forColumn: "size")
        kind = try row.decode(forColumn: "kind")
        mime = try row.decode(forColumn: "mime")
        width = try row.decode(forColumn: "width")
        height = try row.decode(forColumn: "height")
        orientation = try row.decode(forColumn: "orientation")
        takenAt = try row.decode(forColumn: "taken_at")
        takenOffset = try row.decode(forColumn: "taken_offset")
        cameraMake = try row.decode(forColumn: "camera_make")
        cameraModel = try row.decode(forColumn: "camera_model")
        lens = try row.decode(forColumn: "lens")
        exposureTime = try row.decode(forColumn: "exposure_time")
        fNumber = try row.decode(forColumn: "f_number")
        iso = try row.decode(forColumn: "iso")
        focalLength = try row.decode(forColumn: "focal_length")
        latitude = try row.decode(forColumn: "latitude")
        longitude = try row.decode(forColumn: "longitude")
        altitude = try row.decode(forColumn: "altitude")
        title = try row.decode(forColumn: "title")
        caption = try row.decode(forColumn: "caption")
        keywords = try row.decode(forColumn: "keywords")
        rating = try row.decode(forColumn: "rating")
        phash = try row.decode(forColumn: "phash")
        damaged = try row.decode(forColumn: "damaged")
        warnings = try row.decode(forColumn: "warnings")
        metadata = try row.decode(forColumn: "metadata")
        analyzedAt = try row.decode(forColumn: "analyzed_at")
    }

    package func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["sha256"] = sha256
        container["md5"] = md5
        container["size"] = size
        container["kind"] = kind
        container["mime"] = mime
        container["width"] = width
        container["height"] = height
        container["orientation"] = orientation
        container["taken_at"] = takenAt
        container["taken_offset"] = takenOffset
        container["camera_make"] = cameraMake
        container["camera_model"] = cameraModel
        container["lens"] = lens
        container["exposure_time"] = exposureTime
        container["f_number"] = fNumber
        container["iso"] = iso
        container["focal_length"] = focalLength
        container["latitude"] = latitude
        container["longitude"] = longitude
        container["altitude"] = altitude
        container["title"] = title
        container["caption"] = caption
        container["keywords"] = keywords
        container["rating"] = rating
        container["phash"] = phash
        container["damaged"] = damaged
        container["warnings"] = warnings
        container["metadata"] = metadata
        container["analyzed_at"] = analyzedAt
    }
}
