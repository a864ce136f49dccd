import GRDB

/// A parsed query as SQL over `files f JOIN libraries l LEFT JOIN assets a`: the WHERE terms of its facets
/// and exclusions, and the FTS5 expression of its words. Written once so the search, the gallery's pages
/// and its facet counts filter exactly alike.
struct SearchConditions {
    var conditions = ["f.state = 'present'"]
    var arguments: [(any DatabaseValueConvertible)?] = []
    /// `(a AND b) NOT c NOT d` for the `search` table; nil when the query has no words.
    var match: String?
    /// A condition names the library `l` (`folder:`, `library:`): queries that need none leave the join out.
    private(set) var namesLibraries = false

    /// `nearAssets`: the asset ids in near-duplicate groups, computed by the caller when `dup:near` is asked.
    init(_ query: SearchQuery, nearAssets: [Int64]?) {
        // With words, the exclusions go into the MATCH itself (see `rankedHits`); alone, they are a condition.
        for excluded in query.excluded where query.terms.isEmpty {
            conditions.append("f.id NOT IN (SELECT rowid FROM search WHERE search MATCH ?)")
            arguments.append(Catalog.matchExpression([excluded]))
        }
        for facet in query.facets { add(facet, nearAssets: nearAssets) }
        if !query.terms.isEmpty {
            // FTS5 drops the excluded rows while it merges its lists, before any of them is ranked. bm25 sums
            // over every phrase of the expression, but an excluded phrase occurs 0 times in every row left, so
            // it adds exactly 0 and the ranks are those of the words alone.
            match = query.excluded.reduce("(" + Catalog.matchExpression(query.terms) + ")") { expression, word in
                "(" + expression + " NOT " + Catalog.matchExpression([word]) + ")"
            }
        }
    }

    /// The conditions plus the match as a condition, for queries that filter without ranking (counts).
    var unranked: (conditions: [String], arguments: [(any DatabaseValueConvertible)?]) { unranked(matchLeads: true) }

    /// `matchLeads`: SQLite may start from the matching rows (counts, facets). False for a query that walks
    /// something else and only tests each file against the match (the capture-time index, the tags): the unary
    /// `+` keeps SQLite from using `f.id IN (…)` as an index constraint inside that walk, which probes the whole
    /// list of matches once per outer row instead of looking one id up.
    func unranked(matchLeads: Bool) -> (conditions: [String], arguments: [(any DatabaseValueConvertible)?]) {
        guard let match else { return (conditions, arguments) }
        return (
            ["\(matchLeads ? "" : "+")f.id IN (SELECT rowid FROM search WHERE search MATCH ?)"] + conditions,
            [match] + arguments
        )
    }

    /// These conditions with the match among them and no match left: the newest-first order of a word query
    /// that matches too much of the catalog to rank (`Catalog.rankingLimit`).
    var unrankedWalk: SearchConditions {
        var walk = self
        (walk.conditions, walk.arguments) = unranked(matchLeads: false)
        walk.match = nil
        return walk
    }

    /// `JOIN libraries l …` when a condition needs it, else nothing.
    var librariesJoin: String { namesLibraries ? "JOIN libraries l ON l.id = f.library_id" : "" }

    /// The rating that counts for `rating:`: the gallery's, else the one embedded in the file.
    static let effectiveRating = "coalesce((SELECT r.rating FROM ratings r WHERE r.sha256 = f.sha256), a.rating)"

    private mutating func add(_ facet: SearchQuery.Facet, nearAssets: [Int64]?) {
        switch facet {
        case .camera(let text):
            if text.isEmpty || text.contains(where: { $0.isWhitespace || $0 == "_" || $0 == "%" }) {
                conditions.append("(coalesce(a.camera_make, '') || ' ' || coalesce(a.camera_model, '')) LIKE ?")
                arguments.append("%\(text)%")
            } else {
                // A text with no space (nor a wildcard that could stand for one) cannot match across the space
                // between make and model, so each is tested alone: the joined string built per row was a third
                // of a camera condition's cost (10 of 30 ms over 100k files).
                conditions.append("(a.camera_make LIKE ? OR a.camera_model LIKE ?)")
                arguments += ["%\(text)%", "%\(text)%"]
            }
        case .lens(let text):
            conditions.append("a.lens LIKE ?")
            arguments.append("%\(text)%")
        case .taken(let from, let to):
            conditions.append("a.taken_at >= ? AND a.taken_at < ?")
            arguments += [from, to]
        case .type(let kind):
            switch kind {
            case "image", "photo": conditions.append("a.kind NOT IN ('other')")
            case "jpg": conditions.append("a.kind = 'jpeg'")
            case "tif": conditions.append("a.kind = 'tiff'")
            case "heif": conditions.append("a.kind = 'heic'")
            default:
                conditions.append("a.kind = ?")
                arguments.append(kind)
            }
        case .has(let what):
            switch what {
            case "gps": conditions.append("a.latitude IS NOT NULL AND a.longitude IS NOT NULL")
            case "keywords": conditions.append("a.keywords IS NOT NULL AND a.keywords != '[]'")
            case "title": conditions.append("a.title IS NOT NULL")
            case "caption": conditions.append("a.caption IS NOT NULL")
            case "rating": conditions.append("\(Self.effectiveRating) IS NOT NULL")
            case "previews": conditions.append("EXISTS (SELECT 1 FROM renditions r WHERE r.asset_id = a.id)")
            default:
                conditions.append(
                    "EXISTS (SELECT 1 FROM errors e WHERE e.library_id = f.library_id AND e.path = f.path)")
            }
        case .folder(let folder):
            let trimmed = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
            conditions.append("(f.path LIKE ? ESCAPE '\\' OR (l.root || '/' || f.path) LIKE ? ESCAPE '\\')")
            let pattern = Catalog.escapeLike(trimmed) + "/%"
            arguments += [pattern, pattern]
            namesLibraries = true
        case .library(let name):
            conditions.append("l.name = ?")
            arguments.append(name)
            namesLibraries = true
        case .duplicateExact:
            conditions.append(
                """
                f.sha256 IN (SELECT sha256 FROM files WHERE state = 'present' AND sha256 IS NOT NULL
                             GROUP BY sha256 HAVING count(*) > 1)
                """)
        case .duplicateNear:
            let ids = nearAssets ?? []
            conditions.append(ids.isEmpty ? "0" : "a.id IN (\(ids.map(String.init).joined(separator: ",")))")
        case .rating(let stars):
            conditions.append("\(Self.effectiveRating) >= ?")
            arguments.append(stars)
        case .damaged:
            conditions.append("a.damaged = 1")
        case .tag(let tag):
            conditions.append("f.sha256 IN (SELECT t.sha256 FROM tags t WHERE t.tag = ?)")
            arguments.append(tag.trimmingCharacters(in: .whitespaces))
        }
    }
}
