import GRDB

/// A row of one of the catalog's tables: a Codable struct whose camelCase properties are the table's
/// snake_case columns.
package protocol CatalogRow: Codable, Sendable, Equatable, FetchableRecord, EncodableRecord, TableRecord {}

extension CatalogRow {
    package static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    package static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

/// A watched root folder.
package struct LibraryRecord: CatalogRow, MutablePersistableRecord {
    package static let databaseTableName = "libraries"
    /// Row id.
    package var id: Int64?
    /// Unique name (the cloud tables' PartitionKey): the folder's name, made unique.
    package var name: String
    /// Absolute path of the root.
    package var root: String
    /// When it was first scanned (ISO 8601).
    package var createdAt: String

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One path in a library, as last seen on disk.
package struct FileRecord: CatalogRow, MutablePersistableRecord {
    package static let databaseTableName = "files"
    /// Row id (also the rowid of its search entry).
    package var id: Int64?
    /// Its library.
    package var libraryId: Int64
    /// Path relative to the library root.
    package var path: String
    /// Size in bytes.
    package var size: Int64
    /// Modification time in nanoseconds since 1970.
    package var mtimeNs: Int64
    /// Inode number: with size and mtime, tells an unchanged file without reading it.
    package var inode: Int64
    /// Content hash, nil until hashed.
    package var sha256: String?
    /// On disk, or gone from disk at the last scan.
    package var state: FileState
    /// Its content's asset.
    package var assetId: Int64?
    /// First and last scan that saw it (ISO 8601).
    package var firstSeen: String
    /// Last scan that saw it (ISO 8601).
    package var lastSeen: String

    /// Makes a file row.
    package init(
        id: Int64? = nil, libraryId: Int64, path: String, size: Int64, mtimeNs: Int64, inode: Int64, sha256: String?,
        state: FileState = .present, assetId: Int64? = nil, firstSeen: String, lastSeen: String
    ) {
        self.id = id
        self.libraryId = libraryId
        self.path = path
        self.size = size
        self.mtimeNs = mtimeNs
        self.inode = inode
        self.sha256 = sha256
        self.state = state
        self.assetId = assetId
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One distinct content: metadata, perceptual hash, damage.
package struct AssetRecord: CatalogRow, MutablePersistableRecord {
    package static let databaseTableName = "assets"
    /// Row id.
    package var id: Int64?
    /// Content hash (the master blob's name).
    package var sha256: String
    /// MD5 for Azure's Content-MD5.
    package var md5: String
    /// Bytes.
    package var size: Int64
    /// The format, or `other` for files without previews.
    package var kind: AssetKind
    /// Content type for the blob.
    package var mime: String
    /// Size after orientation.
    package var width: Int?
    package var height: Int?
    /// EXIF orientation of the original, 1…8.
    package var orientation: Int?
    /// Camera-local capture time `YYYY-MM-DDTHH:MM:SS`, and its UTC offset when recorded.
    package var takenAt: String?
    package var takenOffset: String?
    /// Camera and lens as the file names them.
    package var cameraMake: String?
    package var cameraModel: String?
    package var lens: String?
    /// Exposure: seconds, f-number, ISO, millimetres.
    package var exposureTime: Double?
    package var fNumber: Double?
    package var iso: Int?
    package var focalLength: Double?
    /// Position in decimal degrees and metres.
    package var latitude: Double?
    package var longitude: Double?
    package var altitude: Double?
    /// XMP/IPTC title and caption.
    package var title: String?
    package var caption: String?
    /// JSON array of keywords.
    package var keywords: String?
    /// XMP rating, -1…5.
    package var rating: Int?
    /// The dHash bits as a signed integer (SQLite has no unsigned 64-bit type).
    package var phash: Int64?
    /// Decoded only with corrupt-data warnings.
    package var damaged: Bool
    /// ImageMagick's warnings, newline separated.
    package var warnings: String?
    /// JSON object of every metadata field read.
    package var metadata: String
    /// When it was analysed (ISO 8601).
    package var analyzedAt: String

    /// Makes an asset row; everything beyond identity and kind is optional.
    package init(
        id: Int64? = nil, sha256: String, md5: String, size: Int64, kind: AssetKind, mime: String, width: Int? = nil,
        height: Int? = nil, orientation: Int? = nil, takenAt: String? = nil, takenOffset: String? = nil,
        cameraMake: String? = nil, cameraModel: String? = nil, lens: String? = nil, exposureTime: Double? = nil,
        fNumber: Double? = nil, iso: Int? = nil, focalLength: Double? = nil, latitude: Double? = nil,
        longitude: Double? = nil, altitude: Double? = nil, title: String? = nil, caption: String? = nil,
        keywords: String? = nil, rating: Int? = nil, phash: Int64? = nil, damaged: Bool = false,
        warnings: String? = nil, metadata: String = "{}", analyzedAt: String
    ) {
        self.id = id
        self.sha256 = sha256
        self.md5 = md5
        self.size = size
        self.kind = kind
        self.mime = mime
        self.width = width
        self.height = height
        self.orientation = orientation
        self.takenAt = takenAt
        self.takenOffset = takenOffset
        self.cameraMake = cameraMake
        self.cameraModel = cameraModel
        self.lens = lens
        self.exposureTime = exposureTime
        self.fNumber = fNumber
        self.iso = iso
        self.focalLength = focalLength
        self.latitude = latitude
        self.longitude = longitude
        self.altitude = altitude
        self.title = title
        self.caption = caption
        self.keywords = keywords
        self.rating = rating
        self.phash = phash
        self.damaged = damaged
        self.warnings = warnings
        self.metadata = metadata
        self.analyzedAt = analyzedAt
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A preview file of an asset.
package struct RenditionRecord: CatalogRow, PersistableRecord {
    package static let databaseTableName = "renditions"
    /// The asset it previews.
    package var assetId: Int64
    /// `hd`, `1600`, … `sq100`.
    package var name: String
    /// Oriented size and encoded bytes.
    package var width: Int
    package var height: Int
    package var bytes: Int
    /// Relative to the previews folder: `ab/<sha256>/<name>.jpg`.
    package var path: String

    /// Makes a rendition row.
    package init(assetId: Int64, name: String, width: Int, height: Int, bytes: Int, path: String) {
        self.assetId = assetId
        self.name = name
        self.width = width
        self.height = height
        self.bytes = bytes
        self.path = path
    }

    /// The blob (and local file) name it is stored under: its own name, or the name of an earlier
    /// rendition of the same content with the same bytes (a 600×400 photo's `hd`, `1600`, `800`,
    /// `600` and `h400` are one file and one blob). Read from `path`, which points at that file.
    package var blob: String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        return file.hasSuffix(".jpg") ? String(file.dropLast(4)) : file
    }
}

/// A failure recorded against a path, so a scan's summary and `show` can say why.
package struct ErrorRecord: CatalogRow, MutablePersistableRecord {
    package static let databaseTableName = "errors"
    /// Row id.
    package var id: Int64?
    /// The library and path concerned, and the content if it was hashed.
    package var libraryId: Int64?
    package var path: String
    package var sha256: String?
    /// `stat`, `hash` or `imaging`.
    package var stage: String
    /// The Imaging or Catalog error code, or `damaged`.
    package var code: String
    /// The message, with the library's own text.
    package var message: String
    /// When (ISO 8601).
    package var occurredAt: String

    /// Makes an error row.
    package init(
        id: Int64? = nil, libraryId: Int64?, path: String, sha256: String?, stage: String, code: String,
        message: String, occurredAt: String
    ) {
        self.id = id
        self.libraryId = libraryId
        self.path = path
        self.sha256 = sha256
        self.stage = stage
        self.code = code
        self.message = message
        self.occurredAt = occurredAt
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Whether a cataloged path is on disk; the raw value is the `files.state` column.
package enum FileState: String, Codable, Sendable, DatabaseValueConvertible {
    case present
    /// Gone from disk at the last look (its asset and previews stay; the cloud row says deleted).
    case missing
}

/// What a content is; the raw value is the `assets.kind` column. Ingest maps Imaging's formats onto
/// it, so the catalog (and everything reading it) needs no image library.
package enum AssetKind: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case jpeg, png, tiff, gif, webp, heic, avif, raw
    /// Anything else: cataloged and backed up, no previews.
    case other

    /// Whether previews are made for it (images only).
    package var hasPreviews: Bool { self != .other }
}

/// A raw outbox row, every column (`Outbox` and `OutboxWriter` are how the code reads and writes them;
/// tests count them). `kind` is an `OutboxKind`, `payload` the JSON of its `OutboxWork`.
package struct OutboxRecord: CatalogRow, MutablePersistableRecord {
    package static let databaseTableName = "outbox"
    /// Row id.
    package var id: Int64?
    /// An `OutboxKind`'s raw value (kept as text: a row a newer version wrote still reads).
    package var kind: String
    /// Blob name, table key or queue name (for rows keyed in the cloud, the key without the device).
    package var target: String
    /// JSON details of the work.
    package var payload: String?
    /// The file and asset it is for.
    package var fileId: Int64?
    package var assetId: Int64?
    /// Bookkeeping of the sync workers (`OutboxTime` text): created, tries, back-off, last failure,
    /// completion, and when it was parked after failing too often.
    package var createdAt: String
    package var attempts: Int
    package var notBefore: String?
    package var lastError: String?
    package var doneAt: String?
    package var parkedAt: String?

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
