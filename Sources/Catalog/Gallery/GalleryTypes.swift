/// What the web gallery reads from the catalog, shaped for its JSON API (encoded as is, camelCase keys).

/// One page of a search or of the whole library.
package struct GalleryPage: Sendable, Codable, Equatable {
    /// Files matching the query in all; nil when not counted (a further page of the grid).
    package var total: Int?
    /// Position of the first item in the whole result (a ranked page; 0 in the newest-first order).
    package var offset: Int
    /// Best match first (paged by offset) or newest taken first (paged by position).
    package var order: ResultOrder
    package var items: [SearchHit]
}

/// One value of a facet with how many results have it, and the query token that narrows to it.
package struct FacetValue: Sendable, Codable, Equatable {
    package var value: String
    package var count: Int
    /// `camera:"FUJIFILM X-T3"`, `taken:2019`, `rating:4`…: added to the query when clicked.
    package var token: String
}

/// The facets of a result: camera, year, kind, GPS, rating (at least N stars), tags, damaged.
package struct FacetCounts: Sendable, Codable, Equatable {
    package var camera: [FacetValue] = []
    package var year: [FacetValue] = []
    package var kind: [FacetValue] = []
    package var gps: [FacetValue] = []
    package var rating: [FacetValue] = []
    package var tags: [FacetValue] = []
    package var damaged: [FacetValue] = []
}

/// Another path holding the same content.
package struct GalleryPath: Sendable, Codable, Equatable {
    package var fileId: Int64
    package var library: String
    package var path: String
    package var present: Bool
}

/// One version of a path, from the history the catalog sent to the cloud.
package struct GalleryVersion: Sendable, Codable, Equatable {
    package var sha256: String?
    package var size: Int64
    /// OutboxTime text of when the version was recorded.
    package var recordedAt: String
}

/// Where a content's backup stands, from its outbox rows.
package struct BackupState: Sendable, Codable, Equatable {
    /// The master's upload is done.
    package var masterInCloud = false
    /// Rendition uploads done.
    package var renditionsInCloud = 0
    /// Rows still to run, and rows parked after too many failures (with the last error).
    package var pending = 0
    package var parked = 0
    package var lastError: String?
}

/// Everything the detail page shows about one cataloged file.
package struct GalleryItem: Sendable, Codable {
    package var fileId: Int64
    package var library: String
    package var path: String
    package var present: Bool
    package var size: Int64
    package var mtimeNs: Int64
    package var sha256: String?
    /// The content's description (every column the catalog has); nil before it is analysed.
    package var asset: AssetRecord?
    /// Rendition names, largest first.
    package var renditions: [String]
    package var paths: [GalleryPath]
    package var versions: [GalleryVersion]
    /// Problems recorded against this path (`code: message`).
    package var problems: [String]
    package var annotation: Annotation
    package var backup: BackupState
}

/// A folder below a library or another folder, with the files under it (at any depth).
package struct FolderCount: Sendable, Codable, Equatable {
    package var name: String
    /// Relative to the library root.
    package var path: String
    package var count: Int
}

/// A folder's listing: its subfolders and how many files lie directly in it.
package struct FolderListing: Sendable, Codable, Equatable {
    package var library: String
    package var path: String
    package var folders: [FolderCount]
    package var files: Int
}

/// A cataloged file's original, for the gallery's download.
package struct OriginalFile: Sendable, Equatable {
    /// Absolute path on this machine.
    package var path: String
    /// Still on disk as cataloged.
    package var present: Bool
    package var sha256: String?
    package var mime: String?
    package var size: Int64
    /// Its master's upload is done: the cloud can give it back.
    package var inCloud: Bool
}
