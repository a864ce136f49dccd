import GRDB

extension Catalog {
    /// The subfolders of `path` (relative, "" for the root) in library `library` with the files under each,
    /// and the files directly in it; nil for an unknown library. Counted from the present files' paths.
    package func folderListing(library: String, path: String) throws -> FolderListing? {
        let prefix = path.isEmpty ? "" : (path.hasSuffix("/") ? path : path + "/")
        return try read { db in
            guard
                let libraryId = try Int64.fetchOne(
                    db, sql: "SELECT id FROM libraries WHERE name = ?", arguments: [library])
            else { return nil }
            var folders: [String: Int] = [:]
            var direct = 0
            let rest = try String.fetchCursor(
                db,
                sql: """
                    SELECT substr(path, ?) FROM files WHERE library_id = ? AND state = 'present'
                    AND path LIKE ? ESCAPE '\\'
                    """, arguments: [prefix.unicodeScalars.count + 1, libraryId, Self.escapeLike(prefix) + "%"])
            while let tail = try rest.next() {
                if let slash = tail.firstIndex(of: "/") {
                    folders[String(tail[..<slash]), default: 0] += 1
                } else {
                    direct += 1
                }
            }
            return FolderListing(
                library: library, path: String(prefix.dropLast(prefix.isEmpty ? 0 : 1)),
                folders: folders.keys.sorted().map { FolderCount(name: $0, path: prefix + $0, count: folders[$0]!) },
                files: direct)
        }
    }

    /// Every library with its present files, for the folder tree's roots.
    package func libraryFileCounts() throws -> [FolderCount] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT l.name, (SELECT count(*) FROM files f WHERE f.library_id = l.id AND f.state = 'present')
                    FROM libraries l ORDER BY l.name
                    """
            ).map { FolderCount(name: $0[0], path: "", count: $0[1]) }
        }
    }
}
