import GRDB

extension Catalog {
    /// A page of the files matching `query` in the search's order (`ResultOrder`: best match first, else newest
    /// taken first), with the total unless `counting` is false (the grid counts once, then asks for more pages
    /// without it). A ranked page is asked by `offset`; the newest-first order by position only:
    /// `after` (a file id) continues after that file, `before` (a file id) gives the `limit` files just before it
    /// (the detail page's "previous"), `through` (`2019`, `2019-07`, `2019-07-14`) starts at the newest file taken
    /// in or before that period (the date scrubber's jump), each a seek on the capture-time index. An offset in the
    /// newest-first order is refused (`CatalogError.invalid`): it would walk every row before the page.
    package func galleryPage(
        _ query: SearchQuery, offset: Int, limit: Int, after: Int64? = nil, before: Int64? = nil,
        through: String? = nil, counting: Bool = true, nearDistance: Int = 10, ranking: RankingLimit = .standard
    ) throws -> GalleryPage {
        let nearAssets = try nearAssets(for: query, distance: nearDistance)
        return try read { db in
            let filter = SearchConditions(query, nearAssets: nearAssets)
            let total = counting ? try Self.count(filter, db: db) : nil
            if let match = filter.match, try ranking.ranks(match, db: db) {
                // Ranked: the best offset+limit, of which the page is the tail.
                let items = Array(
                    try Self.rankedHits(
                        db, match: match, conditions: filter.conditions, arguments: filter.arguments,
                        limit: offset + limit
                    ).dropFirst(offset))
                return GalleryPage(total: total, offset: offset, order: .rank, items: items)
            }
            let walk = filter.match == nil ? filter : filter.unrankedWalk
            let items: [SearchHit]
            if let before, let cursor = try Self.cursor(fileId: before, db: db) {
                items = try Self.newestFirst(db, filter: walk, limit: limit, before: cursor)
            } else if let after, let cursor = try Self.cursor(fileId: after, db: db) {
                items = try Self.newestFirst(db, filter: walk, limit: limit, after: cursor)
            } else if let through {
                guard let bound = DateBound(through) else {
                    throw CatalogError(.badQuery, through, detail: "through= takes a date: 2019, 2019-07 or 2019-07-14")
                }
                // Nothing is taken at exactly the start of the next period (times are longer), so the cursor
                // "after that instant" is "everything taken before it".
                items = try Self.newestFirst(
                    db, filter: walk, limit: limit, after: PageCursor(takenAt: bound.end, library: "", path: ""))
            } else if offset > 0 {
                throw CatalogError(
                    .invalid, "offset=\(offset)",
                    detail: "the newest-first order is paged by position (after=, before=, through=), not by offset")
            } else {
                items = try Self.newestFirst(db, filter: walk, limit: limit)
            }
            return GalleryPage(total: total, offset: 0, order: .newest, items: items)
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
                SELECT count(*) FROM files f \(filter.librariesJoin)
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

    /// The facet values of everything matching `query`, counted in one grouped pass (plus one over the tags).
    package func facetCounts(_ query: SearchQuery, nearDistance: Int = 10) throws -> FacetCounts {
        try facetCountsAndTotal(query, nearDistance: nearDistance).facets
    }

    /// The facets and the number of matches, from one pass over the matching rows (its groups add up to the
    /// total), plus one over the tags.
    ///
    /// Measured at 100k files, `beach` (9,700 matches), sqlite3 CPU per query: reading each match's file and
    /// asset rows is about 17 ms and cannot be avoided; grouping them by all seven facet values took 10 ms more,
    /// and the tag counts, joined from the matches, 9 ms more even with no tag at all. Now only the values with
    /// many distinct values group (camera, year, kind, rating: a few hundred groups), GPS and damaged are sums
    /// within those groups, the libraries are joined only when a condition names them, and the tags are counted
    /// from the tags table (a person tags a few thousand contents at most): 0 ms without tags, 14 ms with 5,000.
    package func facetCountsAndTotal(_ query: SearchQuery, nearDistance: Int = 10) throws
        -> (facets: FacetCounts, total: Int)
    {
        let nearAssets = try nearAssets(for: query, distance: nearDistance)
        return try read { db in
            let filter = SearchConditions(query, nearAssets: nearAssets)
            let (conditions, arguments) = filter.unranked
            let libraries = filter.librariesJoin
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
                           \(SearchConditions.effectiveRating), count(*),
                           sum(a.latitude IS NOT NULL AND a.longitude IS NOT NULL), sum(a.damaged)
                    FROM files f \(libraries) LEFT JOIN assets a ON a.id = f.asset_id
                    WHERE \(conditions.joined(separator: " AND ")) GROUP BY 1, 2, 3, 4, 5
                    """, arguments: StatementArguments(arguments))
            while let row = try rows.next() {
                let count: Int = row[5]
                total += count
                if let name = Self.cameraName(make: row[0], model: row[1]) { camera[name, default: 0] += count }
                if let taken: String = row[2] { year[taken, default: 0] += count }
                if let value: String = row[3] { kind[value, default: 0] += count }
                if let rating: Int = row[4], rating >= 0 {
                    for at in 0...min(rating, 5) { stars[at] += count }  // `rating:N` is "at least N"
                }
                gps += row[6] as Int? ?? 0
                damaged += row[7] as Int? ?? 0
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
            // From the tags to the files (CROSS JOIN keeps that order), the match only tested (`matchLeads`:
            // used as an index constraint it probed every match once per tag row, minutes with 5,000 tags).
            let tagged = filter.unranked(matchLeads: false)
            let tagRows = try Row.fetchAll(
                db,
                sql: """
                    SELECT min(t.tag), count(*) FROM tags t CROSS JOIN files f ON f.sha256 = t.sha256
                    \(libraries) LEFT JOIN assets a ON a.id = f.asset_id
                    WHERE \(tagged.conditions.joined(separator: " AND ")) GROUP BY t.tag ORDER BY 2 DESC, 1 LIMIT 50
                    """, arguments: StatementArguments(tagged.arguments))
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
