import GRDB

/// One file found by a search.
package struct SearchHit: Sendable, Codable, Equatable {
    /// The file's row id.
    package var fileId: Int64
    /// Its library's name.
    package var library: String
    /// Path relative to the library root.
    package var path: String
    /// Absolute path on this machine.
    package var absolutePath: String
    /// Content hash.
    package var sha256: String?
    /// `jpeg`, `raw`, `other`…
    package var kind: String?
    /// Oriented size.
    package var width: Int?
    package var height: Int?
    /// Camera-local capture time.
    package var takenAt: String?
    /// `make model`.
    package var camera: String?
}

extension Catalog {
    /// Files matching `query`, best full-text match first, or newest taken first without words or when the
    /// words match too much of the catalog to rank (`ranking`). `nearDistance` is the Hamming distance that
    /// counts as a near duplicate for `dup:near`.
    package func search(
        _ query: SearchQuery, limit: Int = 100, nearDistance: Int = 10, ranking: RankingLimit = .standard
    ) throws -> [SearchHit] {
        let nearAssets: [Int64]? =
            query.facets.contains(.duplicateNear)
            ? Array(try nearDuplicateGroups(maxDistance: nearDistance).flatMap { $0.map(\.assetId) }) : nil
        return try read { db in
            let filter = SearchConditions(query, nearAssets: nearAssets)
            guard let match = filter.match else { return try Self.newestFirst(db, filter: filter, limit: limit) }
            guard try ranking.ranks(match, db: db) else {
                return try Self.newestFirst(db, filter: filter.unrankedWalk, limit: limit)
            }
            return try Self.rankedHits(
                db, match: match, conditions: filter.conditions, arguments: filter.arguments, limit: limit)
        }
    }

    /// The best `limit` files matching `match` that meet `conditions`: by rank, then newest, library, path.
    ///
    /// One FTS pass computes every match's rank (bm25, unavoidable when ordering by it); the files, assets
    /// and conditions are then read only for the best matches, in rounds of whole groups of equal rank
    /// (each round's results all come after the previous round's), growing until `limit` files are found.
    /// Joining every match to its file instead read most of the catalog for a common word: about 130,000
    /// rows per million files. The rank was once asked per row by a correlated `SELECT rank … AND rowid = f.id`,
    /// which re-ran the whole MATCH for each match: seconds for a common word over 50,000 files.
    static func rankedHits(
        _ db: Database, match: String, conditions: [String], arguments: [(any DatabaseValueConvertible)?],
        limit: Int
    ) throws -> [SearchHit] {
        var matches: [(id: Int64, rank: Double)] = []
        let cursor = try Row.fetchCursor(
            db, sql: "SELECT rowid, rank FROM search WHERE search MATCH ?", arguments: [match])
        while let row = try cursor.next() { matches.append((row[0], row[1])) }
        // SQLite orders REALs as Swift does (bm25 is never NaN), so equal ranks here are equal ranks there.
        matches.sort { $0.rank < $1.rank }
        let limit = limit < 0 ? Int.max : limit  // LIMIT -1 is no limit in SQLite
        var hits: [SearchHit] = []
        var start = 0
        var round = max(min(limit, matches.count), 64)
        while start < matches.count && hits.count < limit {
            var end = min(start + round, matches.count)
            while end < matches.count && matches[end].rank == matches[end - 1].rank { end += 1 }
            // [file id, position of its rank group]: the group stands for the rank in ORDER BY, exactly.
            var group = 0
            var pairs: [String] = []
            pairs.reserveCapacity(end - start)
            for index in start..<end {
                if index > start && matches[index].rank != matches[index - 1].rank { group += 1 }
                pairs.append("[\(matches[index].id),\(group)]")
            }
            hits += try fetchHits(
                db, from: "json_each(?) j JOIN files f ON f.id = j.value ->> 0", conditions: conditions,
                arguments: ["[" + pairs.joined(separator: ",") + "]"] + arguments + [limit - hits.count],
                order: "j.value ->> 1, a.taken_at DESC, l.name, f.path")
            start = end
            round *= 4
        }
        return hits
    }

    /// The hits of one query over `from` (which names the files `f`), joined to their library and asset.
    static func fetchHits(
        _ db: Database, from: String,
        join: String = "JOIN libraries l ON l.id = f.library_id LEFT JOIN assets a ON a.id = f.asset_id",
        conditions: [String], arguments: [(any DatabaseValueConvertible)?], order: String
    ) throws -> [SearchHit] {
        let sql = """
            SELECT f.id AS file_id, l.name AS library, f.path, l.root || '/' || f.path AS absolute_path,
                   f.sha256, a.kind, a.width, a.height, a.taken_at,
                   a.camera_make, a.camera_model
            FROM \(from) \(join)
            WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(order)
            LIMIT ?
            """
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
            SearchHit(
                fileId: row["file_id"], library: row["library"], path: row["path"],
                absolutePath: row["absolute_path"], sha256: row["sha256"], kind: row["kind"],
                width: row["width"], height: row["height"], takenAt: row["taken_at"],
                camera: Self.cameraName(make: row["camera_make"], model: row["camera_model"]))
        }
    }

    /// `make model`, without repeating the make when the model starts with it (`Canon Canon EOS R5`).
    package static func cameraName(make: String?, model: String?) -> String? {
        switch (make, model) {
        case (nil, nil): return nil
        case (let make?, nil): return make
        case (nil, let model?): return model
        case (let make?, let model?):
            return model.lowercased().hasPrefix(make.lowercased().split(separator: " ").first.map(String.init) ?? "")
                ? model : "\(make) \(model)"
        }
    }

    /// An FTS5 expression: every term must match; bare words match as prefixes, phrases exactly.
    static func matchExpression(_ terms: [String]) -> String {
        terms.map { term in
            let quoted = "\"" + term.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            return term.contains(" ") ? quoted : quoted + "*"
        }.joined(separator: " AND ")
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}
