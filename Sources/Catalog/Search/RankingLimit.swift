import GRDB

/// When a word query's results come best match first and when newest taken first. Ranking costs FTS5's bm25 for
/// every match (about 0.7 µs each): nothing for a selective query, 70 ms for a common word over 1M files
/// (`sunset`, 97,463 matches), where most matches tie anyway and a person scrolling that many results expects the
/// library's own order. So a query is ranked unless it matches more than `matches` files and more than `share`
/// of the catalog; then it is the newest-first order of its matches, a walk of the capture-time index that stops
/// after a page (see `benchmarks/README.md`, search, for the measurements behind the defaults).
package struct RankingLimit: Sendable, Equatable {
    /// Matches always ranked, whatever the catalog's size.
    package var matches: Int
    /// Above `matches`, ranked while the matches are at most this share of the catalog's files.
    package var share: Double

    package init(matches: Int, share: Double) {
        (self.matches, self.share) = (matches, share)
    }

    package static let standard = RankingLimit(matches: 20_000, share: 0.05)

    /// Whether `match` (an FTS5 expression) is ranked. The catalog's size is the highest file id, which a
    /// removal never lowers: an estimate that costs one index lookup, where `count(*)` reads every row. The
    /// matches are counted only when the catalog is big enough to cross the limit.
    func ranks(_ match: String, db: Database) throws -> Bool {
        let size = try Int.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM files") ?? 0
        guard size > matches else { return true }
        let limit = max(matches, Int(share * Double(size)))
        // Counting stops at the limit (the matches come without their rank: about 5 ms for 97k at 1M).
        let found =
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM (SELECT 1 FROM search WHERE search MATCH ? LIMIT ?)",
                arguments: [match, limit + 1]) ?? 0
        return found <= limit
    }
}

/// How a page of results is ordered.
package enum ResultOrder: String, Sendable, Codable, Equatable {
    /// Best full-text match first (a query with words that `RankingLimit` ranks); pages by offset.
    case rank
    /// Newest taken first (no words, or too many matches to rank); pages by position (`after`, `before`, `through`).
    case newest
}
