import Foundation

/// One file a restore puts back: where it goes and the content it must hold, as the cloud's tables
/// recorded it (a restore needs nothing local).
package struct RestoreItem: Sendable, Equatable, Codable {
    /// Library name (the tables' PartitionKey).
    package var library: String
    /// Path relative to the library root, exactly as recorded (unicode, spaces, `%`, `#` kept).
    package var path: String
    /// Content hash: the master's blob name and what the restored bytes must hash to.
    package var sha256: String
    /// Expected size in bytes.
    package var size: Int64
    /// Modification time to restore, nanoseconds since 1970 (nil when the row had none).
    package var mtimeNs: Int64?

    /// Makes an item.
    package init(library: String, path: String, sha256: String, size: Int64, mtimeNs: Int64?) {
        self.library = library
        self.path = path
        self.sha256 = sha256
        self.size = size
        self.mtimeNs = mtimeNs
    }
}

/// Which files a restore takes: a library, a folder inside it, and a point in time.
package struct RestoreSelection: Sendable, Equatable {
    /// Only this library (nil: every library, each into its own sub-folder of the target).
    package var library: String?
    /// Only paths in this folder (or this exact file), compared on whole path segments.
    package var prefix: String?
    /// The state as it was at this time, from the `history` table (nil: the current `files` rows).
    package var at: Date?

    /// Makes a selection; every part is optional.
    package init(library: String? = nil, prefix: String? = nil, at: Date? = nil) {
        self.library = library
        self.prefix = prefix
        self.at = at
    }

    /// True when `path` of `library` is selected (the time is applied by the planner).
    package func includes(library name: String, path: String) -> Bool {
        if let library, library != name { return false }
        guard let prefix = normalizedPrefix else { return true }
        return path == prefix || path.hasPrefix(prefix + "/")
    }

    // `2024/`, `/2024` and `2024` all mean the folder 2024: a prefix is a path, not a string start,
    // so `--prefix 2024` never picks up `2024-old/`.
    private var normalizedPrefix: String? {
        guard let prefix else { return nil }
        let trimmed = prefix.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return trimmed.isEmpty ? nil : trimmed
    }
}
