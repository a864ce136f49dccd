import GRDB

/// A watched root folder.
public struct LibraryRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "libraries"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    /// Row id.
    public var id: Int64?
    /// Unique name (the cloud tables' PartitionKey): the folder's name, made unique.
    public var name: String
    /// Absolute path of the root.
    public var root: String
    /// When it was first scanned (ISO 8601).
    public var createdAt: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One path in a library, as last seen on disk.
public struct FileRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "files"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    /// Row id (also the rowid of its search entry).
    public var id: Int64?
    /// Its library.
    public var libraryId: Int64
    /// Path relative to the library root.
    public var path: String
    /// Size in bytes.
    public var size: Int64
    /// Modification time in nanoseconds since 1970.
    public var mtimeNs: Int64
    /// Inode number: with size and mtime, tells an unchanged file without reading it.
    public var inode: Int64
    /// Content hash, nil until hashed.
    public var sha256: String?
    /// `present` or `missing` (gone from disk at the last scan).
    public var state: String
    /// Its content's asset.
    public var assetId: Int64?
    /// First and last scan that saw it (ISO 8601).
    public var firstSeen: String
    /// Last scan that saw it (ISO 8601).
    public var lastSeen: String

    /// Makes a file row.
    public init(
        id: Int64? = nil, libraryId: Int64, path: String, size: Int64, mtimeNs: Int64, inode: Int64, sha256: String?,
        state: String = "present", assetId: Int64? = nil, firstSeen: String, lastSeen: String
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

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One distinct content: metadata, perceptual hash, damage.
public struct AssetRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "assets"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    /// Row id.
    public var id: Int64?
    /// Content hash (the master blob's name).
    public var sha256: String
    /// MD5 for Azure's Content-MD5.
    public var md5: String
    /// Bytes.
    public var size: Int64
    /// `jpeg`, `png`, … `raw`, or `other` for files without previews.
    public var kind: String
    /// Content type for the blob.
    public var mime: String
    /// Size after orientation.
    public var width: Int?
    public var height: Int?
    /// EXIF orientation of the original, 1…8.
    public var orientation: Int?
    /// Camera-local capture time `YYYY-MM-DDTHH:MM:SS`, and its UTC offset when recorded.
    public var takenAt: String?
    public var takenOffset: String?
    /// Camera and lens as the file names them.
    public var cameraMake: String?
    public var cameraModel: String?
    public var lens: String?
    /// Exposure: seconds, f-number, ISO, millimetres.
    public var exposureTime: Double?
    public var fNumber: Double?
    public var iso: Int?
    public var focalLength: Double?
    /// Position in decimal degrees and metres.
    public var latitude: Double?
    public var longitude: Double?
    public var altitude: Double?
    /// XMP/IPTC title and caption.
    public var title: String?
    public var caption: String?
    /// JSON array of keywords.
    public var keywords: String?
    /// XMP rating, -1…5.
    public var rating: Int?
    /// The dHash bits as a signed integer (SQLite has no unsigned 64-bit type).
    public var phash: Int64?
    /// Decoded only with corrupt-data warnings.
    public var damaged: Bool
    /// ImageMagick's warnings, newline separated.
    public var warnings: String?
    /// JSON object of every metadata field read.
    public var metadata: String
    /// When it was analysed (ISO 8601).
    public var analyzedAt: String

    /// Makes an asset row; everything beyond identity and kind is optional.
    public init(
        id: Int64? = nil, sha256: String, md5: String, size: Int64, kind: String, mime: String, width: Int? = nil,
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

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A preview file of an asset.
public struct RenditionRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "renditions"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    /// The asset it previews.
    public var assetId: Int64
    /// `hd`, `1600`, … `sq100`.
    public var name: String
    /// Oriented size and encoded bytes.
    public var width: Int
    public var height: Int
    public var bytes: Int
    /// Relative to the previews folder: `ab/<sha256>/<name>.jpg`.
    public var path: String
}

/// A failure recorded against a path, so a scan's summary and `show` can say why.
public struct ErrorRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "errors"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    /// Row id.
    public var id: Int64?
    /// The library and path concerned, and the content if it was hashed.
    public var libraryId: Int64?
    public var path: String
    public var sha256: String?
    /// `stat`, `hash` or `imaging`.
    public var stage: String
    /// The Imaging or Catalog error code, or `damaged`.
    public var code: String
    /// The message, with the library's own text.
    public var message: String
    /// When (ISO 8601).
    public var occurredAt: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Pending cloud work; the daemon issue fills and drains it.
public struct OutboxRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "outbox"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    /// Row id.
    public var id: Int64?
    /// `master`, `rendition`, `entity`, `event` or `delete`.
    public var kind: String
    /// Blob name, table row key or queue name.
    public var target: String
    /// JSON details of the work.
    public var payload: String?
    /// The file and asset it is for.
    public var fileId: Int64?
    public var assetId: Int64?
    /// Bookkeeping of the sync workers: created, tries, back-off, last failure, completion.
    public var createdAt: String
    public var attempts: Int
    public var notBefore: String?
    public var lastError: String?
    public var doneAt: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
