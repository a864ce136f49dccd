import Foundation
import GRDB

/// What a catalog move did: how many files took their new path without being read, and the paths
/// that must be refreshed the usual way instead (both ends of every file that did not match).
package struct CatalogMove: Sendable, Equatable {
    /// Files whose rows now stand at the new path.
    package var moved: Int
    /// Relative paths to refresh, sorted: a file changed since it was cataloged, never hashed, or
    /// not where the move says it went; a row already at the destination that is no longer on disk.
    package var leftovers: [String]

    /// Makes an outcome.
    package init(moved: Int = 0, leftovers: [String] = []) {
        self.moved = moved
        self.leftovers = leftovers
    }
}

extension Catalog {
    /// Applies a rename or move the watcher saw inside `library` (relative paths; a folder moves every
    /// file at and under it) to the catalog without reading any file, so renaming a folder of 10,000
    /// photos costs 10,000 `lstat`s, not 200 GB of reads. A row moves only when the file at its new
    /// path still has the cataloged size, mtime and inode; anything else is returned as a leftover.
    ///
    /// One transaction writes exactly what a refresh of both ends would have: the old path's row
    /// marked missing with its `delete`, the new path's row (a row already there, present or missing,
    /// is taken over, so the path's history continues with this content) with its entity, history and
    /// folder rows, its search entry, and the problems recorded against the old paths.
    package func move(library: LibraryRecord, from: String, to: String) throws -> CatalogMove {
        guard let libraryId = library.id, !from.isEmpty, !to.isEmpty, !RelativePath.covers(from, to), !RelativePath.covers(to, from)
        else { return CatalogMove(leftovers: [from, to].sorted()) }  // the root, or a path into itself: refresh
        let root = library.root
        return try write { db in
            let now = Timestamp.now()
            var moved = 0
            var leftovers: Set<String> = []
            var written: Set<String> = []
            let rows = try Self.rows(libraryId: libraryId, at: from, db: db).filter { $0.state == .present }
            // Nothing known there (a file that could not be read, a folder of such): the refresh reads it.
            if rows.isEmpty { return CatalogMove(leftovers: [from, to].sorted()) }
            for var old in rows {
                let path = Self.rebase(old.path, from: from, to: to)
                guard old.sha256 != nil, let disk = Self.fileStat(root + "/" + path),
                    disk.size == old.size, disk.mtimeNs == old.mtimeNs, disk.inode == old.inode
                else {
                    leftovers.formUnion([old.path, path])
                    continue
                }
                let problems = try ErrorRecord.filter(Column("library_id") == libraryId && Column("path") == old.path)
                    .fetchAll(db).map { problem in
                        var problem = problem
                        problem.id = nil
                        return problem
                    }
                var file = old
                file.id = nil
                file.path = path
                file.assetId = nil  // `record` finds it by content, as for any file of known content
                file.lastSeen = now
                // The order of a refresh: the old path's delete is queued before the new path's rows.
                try Self.vanish(&old, db: db)
                _ = try Self.record(IngestRecord(file: file, asset: nil, renditions: [], errors: problems), db: db)
                written.insert(path)
                moved += 1
            }
            // A destination row the move did not write and the disk does not hold (a stale catalog).
            for row in try Self.rows(libraryId: libraryId, at: to, db: db)
            where row.state == .present && !written.contains(row.path) {
                let disk = Self.fileStat(root + "/" + row.path)
                if disk?.size != row.size || disk?.mtimeNs != row.mtimeNs || disk?.inode != row.inode {
                    leftovers.insert(row.path)
                }
            }
            // Problems of what is not a file row (an unreadable folder or file under a moved folder)
            // follow the folder, and what could not be read is tried again at its new path, as a
            // refresh of the destination would; those of leftovers are the refresh's to replace.
            for var problem in try ErrorRecord.filter(Column("library_id") == libraryId).filter(
                RelativePath.subtree(at: from)
            ).fetchAll(db) where !leftovers.contains(problem.path) {
                problem.path = Self.rebase(problem.path, from: from, to: to)
                try problem.update(db)
                if problem.stage == "read" { leftovers.insert(problem.path) }
            }
            return CatalogMove(moved: moved, leftovers: leftovers.sorted())
        }
    }

    /// The file rows at `path` or under it, in path order.
    private static func rows(libraryId: Int64, at path: String, db: Database) throws -> [FileRecord] {
        try FileRecord.filter(Column("library_id") == libraryId).filter(RelativePath.subtree(at: path))
            .order(Column("path")).fetchAll(db)
    }



    /// `path` (at or under `from`) spelled under `to`; bytes, not characters, so that no Unicode
    /// normalisation can shift the cut.
    private static func rebase(_ path: String, from: String, to: String) -> String {
        to + String(decoding: path.utf8.dropFirst(from.utf8.count), as: UTF8.self)
    }

    /// Size, mtime and inode of a regular file (not following a link), as a scan compares them.
    private static func fileStat(_ path: String) -> (size: Int64, mtimeNs: Int64, inode: Int64)? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return (
            Int64(info.st_size), Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            Int64(bitPattern: UInt64(info.st_ino))
        )
    }
}
