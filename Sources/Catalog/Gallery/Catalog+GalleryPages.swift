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

    func nearAssets(for query: SearchQuery, distance: Int) throws -> [Int64]? {
        query.facets.contains(.duplicateNear)
            ? Array(try nearDuplicateGroups(maxDistance: distance).flatMap { $0.map(\.assetId) }) : nil
    }
}
