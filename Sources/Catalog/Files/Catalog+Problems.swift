import GRDB

/// A failure reported by a scan.
package struct ScanFailure: Sendable, Codable, Equatable {
    /// Absolute path.
    package var path: String
    /// Error code (`unreadableInput`, `resourceLimit`, `damaged`…).
    package var code: String
    /// The message with the library's own text.
    package var message: String

    /// Makes one.
    package init(path: String, code: String, message: String) {
        self.path = path
        self.code = code
        self.message = message
    }
}

/// A file or folder the catalog could not take as it is, and why: unreadable, a name the cloud cannot
/// hold, an image that does not decode. `ironviper status` lists these so nothing is missed silently.
package struct FileProblem: Sendable, Codable, Equatable {
    package var library: String
    /// Relative to the library root ("" for the root itself).
    package var path: String
    /// `read` (listing, stat or reading the bytes failed) or `imaging` (the bytes were read and
    /// backed up, but no previews could be made).
    package var stage: String
    package var code: String
    package var message: String
    package var occurredAt: String
}

extension Catalog {
    /// Replaces the `read` problems of a library at or under `scopes` with `failures`, all relative to
    /// the library root ("" is the whole library). A scan or a refresh calls it once with what it
    /// covered, so a problem that went away (permission fixed, file deleted) disappears.
    package func replaceReadProblems(libraryId: Int64, scopes: [String], failures: [ScanFailure]) throws {
        guard !scopes.isEmpty || !failures.isEmpty else { return }
        try write { db in
            for scope in scopes {
                if scope.isEmpty {
                    try db.execute(
                        sql: "DELETE FROM errors WHERE library_id = ? AND stage = 'read'", arguments: [libraryId])
                } else {
                    try ErrorRecord.filter(Column("library_id") == libraryId && Column("stage") == "read")
                        .filter(RelativePath.subtree(at: scope)).deleteAll(db)
                }
            }
            let now = Timestamp.now()
            for failure in failures {
                var record = ErrorRecord(
                    id: nil, libraryId: libraryId, path: failure.path, sha256: nil,
                    stage: "read", code: failure.code, message: failure.message, occurredAt: now)
                try record.insert(db)
            }
        }
    }

    /// The problems recorded now, newest first, at most `limit`, with the total count.
    package func problems(limit: Int = 100) throws -> (total: Int, list: [FileProblem]) {
        try read { db in
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM errors WHERE library_id IS NOT NULL") ?? 0
            let list = try Row.fetchAll(
                db,
                sql: """
                    SELECT l.name, e.path, e.stage, e.code, e.message, e.occurred_at FROM errors e
                    JOIN libraries l ON l.id = e.library_id ORDER BY e.occurred_at DESC, e.id DESC LIMIT ?
                    """,
                arguments: [limit]
            ).map { row in
                FileProblem(
                    library: row[0], path: row[1], stage: row[2], code: row[3], message: row[4], occurredAt: row[5])
            }
            return (total, list)
        }
    }

}
