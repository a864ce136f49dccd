import GRDB

extension Catalog {
    /// A page of the files matching `query` in the search's order (best match first, else newest taken first),
    /// with the total unless `counting` is false (the grid counts once, then asks for more pages without it).
    /// `after` (a file id) continues the newest-first order after that file: a seek, where `offset` walks.
    /// `before` (a file id) gives the `limit` files just before that one (the detail page's "previous").
    /// `through` (`2019`, `2019-07`, `2019-07-14`) starts it at the newest file taken in or before that period:
    /// the date scrubber's jump.
    package func galleryPage(
        _ query: SearchQuery, offset: Int, limit: Int, after: Int64? = nil, before: Int64? = nil,
        through: String? = nil, counting: Bool = true, nearDistance: Int = 10
    ) throws -> GalleryPage {
        let nearAssets = try nearAssets(for: query, distance: nearDistance)
        return try read { db in
            let filter = SearchConditions(query, nearAssets: nearAssets)
            let total = counting ? try Self.count(filter, db: db) : nil
            let items: [SearchHit]
            if let match = filter.match {
                // Ranked: the best offset+limit, of which the page is the tail.
                items = Array(
                    try Self.rankedHits(
                        db, match: match, conditions: filter.conditions, arguments: filter.arguments,
                        limit: offset + limit
                    ).dropFirst(offset))
            } else if let before, let cursor = try Self.cursor(fileId: before, db: db) {
                items = try Self.newestFirst(db, filter: filter, limit: limit, before: cursor)
            } else {
                // Nothing is taken at exactly the start of the next period (times are longer), so the cursor
                // "after that instant" is "everything taken before it".
                let jump = through.flatMap(DateBound.init).map { PageCursor(takenAt: $0.end, library: "", path: "") }
                items = try Self.newestFirst(
                    db, filter: filter, offset: offset, limit: limit,
                    after: try after.flatMap { try Self.cursor(fileId: $0, db: db) } ?? jump)
            }
            return GalleryPage(total: total, offset: offset, items: items)
        }
    }

    /// How many files match `query`.
    package func resultCount(_ query: SearchQuery, nearDistance: Int = 10) throws -> Int {
        let nearAssets = try nearAssets(for: query, distance: nearDistance)
        return try read { db in try Self.count(SearchConditions(query, nearAssets: nearAssets), db: db) }
    }

    private static func count(_ filter: SearchConditions, db: Database) throws -> Int {
        let counted = filter.unranked
        return try Int.fetchOne(
            db,
            sql: """
                SELECT count(*) FROM files f JOIN libraries l ON l.id = f.library_id
                LEFT JOIN assets a ON a.id = f.asset_id WHERE \(counted.conditions.joined(separator: " AND "))
                """, arguments: StatementArguments(counted.arguments)) ?? 0
    }

    /// The newest-first position of file `fileId`.
    static func cursor(fileId: Int64, db: Database) throws -> PageCursor? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT a.taken_at, l.name, f.path FROM files f JOIN libraries l ON l.id = f.library_id
                LEFT JOIN assets a ON a.id = f.asset_id WHERE f.id = ?
                """, arguments: [fileId]
        ).map { PageCursor(takenAt: $0[0], library: $0[1], path: $0[2]) }
    }

    /// A number that changes whenever the catalog's facts do (every change of a file, a description or an
    /// annotation queues cloud work): what the gallery's cached counts are keyed by.
    package func changeStamp() throws -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM outbox") ?? 0 }
    }

    /// The facet values of everything matching `query`, counted in one grouped pass (plus one for tags).
    package func facetCounts(_ query: SearchQuery, nearDistance: Int = 10) throws -> FacetCounts {
        try facetCountsAndTotal(query, nearDistance: nearDistance).facets
    }

    /// The facets and the number of matches, from the same grouped pass (its groups add up to the total).
    package func facetCountsAndTotal(_ query: SearchQuery, nearDistance: Int = 10) throws
        -> (facets: FacetCounts, total: Int)
    {
        let nearAssets = try nearAssets(for: query, distance: nearDistance)
        return try read { db in
            let (conditions, arguments) = SearchConditions(query, nearAssets: nearAssets).unranked
            let where_ = conditions.joined(separator: " AND ")
            var camera: [String: Int] = [:]
            var year: [String: Int] = [:]
            var kind: [String: Int] = [:]
            var stars = [Int](repeating: 0, count: 6)
            var gps = 0
            var damaged = 0
            var total = 0
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT a.camera_make, a.camera_model, substr(a.taken_at, 1, 4), a.kind,
                           a.latitude IS NOT NULL AND a.longitude IS NOT NULL, \(SearchConditions.effectiveRating),
                           coalesce(a.damaged, 0), count(*)
                    FROM files f JOIN libraries l ON l.id = f.library_id LEFT JOIN assets a ON a.id = f.asset_id
                    WHERE \(where_) GROUP BY 1, 2, 3, 4, 5, 6, 7
                    """, arguments: StatementArguments(arguments))
            while let row = try rows.next() {
                let count: Int = row[7]
                total += count
                if let name = Self.cameraName(make: row[0], model: row[1]) { camera[name, default: 0] += count }
                if let taken: String = row[2] { year[taken, default: 0] += count }
                if let value: String = row[3] { kind[value, default: 0] += count }
                if row[4] as Bool? == true { gps += count }
                if let rating: Int = row[5], rating >= 0 {
                    for at in 0...min(rating, 5) { stars[at] += count }  // `rating:N` is "at least N"
                }
                if row[6] as Bool? == true { damaged += count }
            }
            var facets = FacetCounts()
            facets.camera = Self.values(camera, by: .count) { "camera:\(Self.quotedIfNeeded($0))" }
            facets.year = Self.values(year, by: .valueDescending) { "taken:\($0)" }
            facets.kind = Self.values(kind, by: .count) { "type:\($0)" }
            if gps > 0 { facets.gps = [FacetValue(value: "GPS", count: gps, token: "has:gps")] }
            facets.rating = (1...5).reversed().filter { stars[$0] > 0 }.map {
                FacetValue(value: String(repeating: "★", count: $0) + "+", count: stars[$0], token: "rating:\($0)")
            }
            if damaged > 0 { facets.damaged = [FacetValue(value: "damaged", count: damaged, token: "is:damaged")] }
            let tagRows = try Row.fetchAll(
                db,
                sql: """
                    SELECT min(t.tag), count(*) FROM tags t JOIN files f ON f.sha256 = t.sha256
                    JOIN libraries l ON l.id = f.library_id LEFT JOIN assets a ON a.id = f.asset_id
                    WHERE \(where_) GROUP BY t.tag ORDER BY 2 DESC, 1 LIMIT 50
                    """, arguments: StatementArguments(arguments))
            facets.tags = tagRows.map { row in
                let tag: String = row[0]
                return FacetValue(value: tag, count: row[1], token: "tag:\(Self.quotedIfNeeded(tag))")
            }
            return (facets, total)
        }
    }

    private enum FacetOrder { case count, valueDescending }

    /// At most 30 values: the most frequent (or the latest years) first.
    private static func values(_ counts: [String: Int], by order: FacetOrder, token: (String) -> String)
        -> [FacetValue]
    {
        let sorted: [(key: String, value: Int)]
        switch order {
        case .count: sorted = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        case .valueDescending: sorted = counts.sorted { $0.key > $1.key }
        }
        return sorted.prefix(30).map { FacetValue(value: $0.key, count: $0.value, token: token($0.key)) }
    }

    /// `value`, or `"value"` when it holds a space (the query language reads `key:"two words"`).
    package static func quotedIfNeeded(_ value: String) -> String {
        value.contains(where: \.isWhitespace) ? "\"" + value.replacingOccurrences(of: "\"", with: "") + "\"" : value
    }

    private func nearAssets(for query: SearchQuery, distance: Int) throws -> [Int64]? {
        query.facets.contains(.duplicateNear)
            ? Array(try nearDuplicateGroups(maxDistance: distance).flatMap { $0.map(\.assetId) }) : nil
    }
}
