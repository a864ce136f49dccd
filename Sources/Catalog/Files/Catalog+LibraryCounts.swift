import GRDB

/// How many files a library holds, for `ironviper status`.
package struct LibraryCounts: Sendable, Codable, Equatable {
    package var present = 0
    package var missing = 0
    package var bytes: Int64 = 0
    /// Files whose last ingest recorded an error (unreadable, corrupt, refused).
    package var errors = 0

    package init() {}
}

extension Catalog {
    /// Counts per library name.
    package func libraryCounts() throws -> [String: LibraryCounts] {
        try read { db in
            var counts: [String: LibraryCounts] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT l.name, f.state, count(*), coalesce(sum(f.size), 0) FROM files f
                    JOIN libraries l ON l.id = f.library_id GROUP BY l.name, f.state
                    """)
            {
                let name: String = row[0]
                let state: FileState? = row[1]
                if state == .present {
                    counts[name, default: .init()].present += row[2]
                    counts[name, default: .init()].bytes += row[3]
                } else {
                    counts[name, default: .init()].missing += row[2]
                }
            }
            for row in try Row.fetchAll(
                db,
                sql: "SELECT l.name, count(DISTINCT e.path) FROM errors e JOIN libraries l ON l.id = e.library_id GROUP BY l.name")
            {
                counts[row[0], default: .init()].errors = row[1]
            }
            return counts
        }
    }
}
