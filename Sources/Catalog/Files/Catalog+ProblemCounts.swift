import GRDB

extension Catalog {
    /// Paths with a problem, by its code (`unreadableInput`, `notUTF8`, …): what `status` lists one by one,
    /// counted for graphs and alerts.
    package func problemCounts() throws -> [String: Int] {
        try read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT code, count(DISTINCT library_id || '/' || path) FROM errors
                    WHERE library_id IS NOT NULL GROUP BY code
                    """)
            {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }
}
