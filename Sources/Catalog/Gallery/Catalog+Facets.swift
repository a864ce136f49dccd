import Foundation
import GRDB
import Synchronization

extension Catalog {
    /// The facet values of everything matching `query`.
    package func facetCounts(_ query: SearchQuery, nearDistance: Int = 10) throws -> FacetCounts {
        try facetCountsAndTotal(query, nearDistance: nearDistance).facets
    }

    /// The facets and the number of matches, from one grouped pass over the matching rows (its groups add up to
    /// the total), plus one over the tags.
    ///
    /// Measured at 100k files, sqlite3 CPU per query: reading each match's file and asset rows is about 42 ms for
    /// the whole library (17 ms for `beach`, 9,700 matches) and cannot be avoided; grouping them by the facet
    /// values costs as much again and more (SQLite sorts every matching row: 140 ms for the whole library, 40 ms
    /// for `camera:canon`'s 25,000). Only the values with many distinct values group (rating, year, kind, camera:
    /// a few hundred groups, the integer first because it tells most groups apart at once), GPS and damaged are
    /// sums within those groups, the libraries are joined only when a condition names them, and the tags are
    /// counted from the tags table (a person tags a few thousand contents at most): 0 ms without tags, 14 ms with
    /// 5,000. A large catalog is counted in `passes` ranges of file ids at once, one reader connection each
    /// (`FacetPasses`), when the query has no words: on two cores a never-seen `camera:canon` (25,000 of
    /// 100,000 files) answers in 60 ms instead of 90.
    package func facetCountsAndTotal(
        _ query: SearchQuery, nearDistance: Int = 10, passes: FacetPasses = .standard
    ) throws -> (facets: FacetCounts, total: Int) {
        let nearAssets = try nearAssets(for: query, distance: nearDistance)
        // Words are matched by one FTS pass over the whole index whatever the range: split, every pass would
        // repeat it (`beach`: 34 → 46 ms p95 in two passes), so a query with words counts in one.
        let ranges = query.terms.isEmpty ? try read { db in try passes.ranges(db) } : [nil]
        // Each range and the tags on a reader of their own; a write between them is seen by some and not others,
        // but every file is counted once, as it was at one of those moments.
        let results = Mutex<[Result<FacetTally, any Error>]>([])
        DispatchQueue.concurrentPerform(iterations: ranges.count + 1) { index in
            let result = Result {
                try read { db in
                    let filter = SearchConditions(query, nearAssets: nearAssets)
                    return index < ranges.count
                        ? try Self.tally(filter, ids: ranges[index], db: db)
                        : FacetTally(tags: try Self.tagFacets(filter, db: db))
                }
            }
            results.withLock { $0.append(result) }
        }
        let tally = try results.withLock { results in
            try results.reduce(into: FacetTally()) { sum, result in sum.add(try result.get()) }
        }
        return (tally.facets, tally.total)
    }

    /// The facet groups of the files in `ids` (every file for nil) that `filter` selects.
    private static func tally(_ filter: SearchConditions, ids: ClosedRange<Int64>?, db: Database) throws -> FacetTally {
        var (conditions, arguments) = filter.unranked
        if let ids {
            conditions.append("f.id BETWEEN ? AND ?")
            arguments += [ids.lowerBound, ids.upperBound]
        }
        var tally = FacetTally()
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT \(SearchConditions.effectiveRating), substr(a.taken_at, 1, 4), a.kind,
                       a.camera_make, a.camera_model, count(*),
                       sum(a.latitude IS NOT NULL AND a.longitude IS NOT NULL), sum(a.damaged)
                FROM files f \(filter.librariesJoin) LEFT JOIN assets a ON a.id = f.asset_id
                WHERE \(conditions.joined(separator: " AND ")) GROUP BY 1, 2, 3, 4, 5
                """, arguments: StatementArguments(arguments))
        while let row = try rows.next() {
            tally.add(
                rating: row[0], year: row[1], kind: row[2], camera: cameraName(make: row[3], model: row[4]),
                count: row[5], gps: row[6] as Int? ?? 0, damaged: row[7] as Int? ?? 0)
        }
        return tally
    }

    /// The 50 tags most found among the files `filter` selects.
    private static func tagFacets(_ filter: SearchConditions, db: Database) throws -> [FacetValue] {
        // From the tags to the files (CROSS JOIN keeps that order), the match only tested (`matchLeads`:
        // used as an index constraint it probed every match once per tag row, minutes with 5,000 tags).
        let tagged = filter.unranked(matchLeads: false)
        return try Row.fetchAll(
            db,
            sql: """
                SELECT min(t.tag), count(*) FROM tags t CROSS JOIN files f ON f.sha256 = t.sha256
                \(filter.librariesJoin) LEFT JOIN assets a ON a.id = f.asset_id
                WHERE \(tagged.conditions.joined(separator: " AND ")) GROUP BY t.tag ORDER BY 2 DESC, 1 LIMIT 50
                """, arguments: StatementArguments(tagged.arguments)
        ).map { row in
            let tag: String = row[0]
            return FacetValue(value: tag, count: row[1], token: "tag:\(quotedIfNeeded(tag))")
        }
    }

    /// `value`, or `"value"` when it holds a space (the query language reads `key:"two words"`).
    package static func quotedIfNeeded(_ value: String) -> String {
        value.contains(where: \.isWhitespace) ? "\"" + value.replacingOccurrences(of: "\"", with: "") + "\"" : value
    }
}

/// How many passes count a query's facets at once: one per core (at most four) for a catalog of at least
/// `splitFrom` files, else one. A pass costs a reader connection and a thread for its time; below a few tens of
/// thousands of files a single pass answers in a few milliseconds and splitting would only add the overhead.
package struct FacetPasses: Sendable {
    package var cores: Int
    package var splitFrom: Int64

    package static let standard = FacetPasses(
        cores: min(4, ProcessInfo.processInfo.activeProcessorCount), splitFrom: 20_000)

    package init(cores: Int, splitFrom: Int64) {
        self.cores = cores
        self.splitFrom = splitFrom
    }

    /// Ranges of file ids of about equal width covering every file, or `[nil]` (one pass over all).
    func ranges(_ db: Database) throws -> [ClosedRange<Int64>?] {
        guard cores > 1, let row = try Row.fetchOne(db, sql: "SELECT min(id), max(id) FROM files"),
            let low: Int64 = row[0], let high: Int64 = row[1], high - low + 1 >= splitFrom
        else { return [nil] }
        let width = (high - low + Int64(cores)) / Int64(cores)
        return (0..<Int64(cores)).map { part in
            let start = low + part * width
            return start...(part == Int64(cores) - 1 ? high : start + width - 1)
        }
    }
}

/// Facet counts being added up: the groups of one or more passes and the tags.
struct FacetTally {
    var camera: [String: Int] = [:]
    var year: [String: Int] = [:]
    var kind: [String: Int] = [:]
    /// `stars[n]`: files rated n or more (`rating:N` is "at least N").
    var stars = [Int](repeating: 0, count: 6)
    var gps = 0
    var damaged = 0
    var total = 0
    var tags: [FacetValue] = []

    init(tags: [FacetValue] = []) { self.tags = tags }

    mutating func add(
        rating: Int?, year taken: String?, kind value: String?, camera name: String?, count: Int, gps: Int,
        damaged: Int
    ) {
        total += count
        if let name { camera[name, default: 0] += count }
        if let taken { year[taken, default: 0] += count }
        if let value { kind[value, default: 0] += count }
        if let rating, rating >= 0 {
            for at in 0...min(rating, 5) { stars[at] += count }
        }
        self.gps += gps
        self.damaged += damaged
    }

    mutating func add(_ other: FacetTally) {
        camera.merge(other.camera, uniquingKeysWith: +)
        year.merge(other.year, uniquingKeysWith: +)
        kind.merge(other.kind, uniquingKeysWith: +)
        for at in stars.indices { stars[at] += other.stars[at] }
        gps += other.gps
        damaged += other.damaged
        total += other.total
        tags += other.tags
    }

    var facets: FacetCounts {
        var facets = FacetCounts()
        facets.camera = Self.values(camera, by: .count) { "camera:\(Catalog.quotedIfNeeded($0))" }
        facets.year = Self.values(year, by: .valueDescending) { "taken:\($0)" }
        facets.kind = Self.values(kind, by: .count) { "type:\($0)" }
        if gps > 0 { facets.gps = [FacetValue(value: "GPS", count: gps, token: "has:gps")] }
        facets.rating = (1...5).reversed().filter { stars[$0] > 0 }.map {
            FacetValue(value: String(repeating: "★", count: $0) + "+", count: stars[$0], token: "rating:\($0)")
        }
        if damaged > 0 { facets.damaged = [FacetValue(value: "damaged", count: damaged, token: "is:damaged")] }
        facets.tags = tags
        return facets
    }

    private enum Order { case count, valueDescending }

    /// At most 30 values: the most frequent (or the latest years) first.
    private static func values(_ counts: [String: Int], by order: Order, token: (String) -> String) -> [FacetValue] {
        let sorted: [(key: String, value: Int)]
        switch order {
        case .count: sorted = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        case .valueDescending: sorted = counts.sorted { $0.key > $1.key }
        }
        return sorted.prefix(30).map { FacetValue(value: $0.key, count: $0.value, token: token($0.key)) }
    }
}
