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
    /// Files matching `query`, best full-text match first (or newest first without words).
    /// `nearDistance` is the Hamming distance that counts as a near duplicate for `dup:near`.
    package func search(_ query: SearchQuery, limit: Int = 100, nearDistance: Int = 10) throws -> [SearchHit] {
        let nearAssets: [Int64]? =
            query.facets.contains(.duplicateNear)
            ? Array(try nearDuplicateGroups(maxDistance: nearDistance).flatMap { $0.map(\.assetId) }) : nil
        return try read { db in
            var conditions = ["f.state = 'present'"]
            var arguments: [(any DatabaseValueConvertible)?] = []
            var order = "a.taken_at DESC, l.name, f.path"
            // Words: one FTS pass yields each match with its rank, joined to its file. Asking for the rank per
            // row instead (a correlated `SELECT rank … AND rowid = f.id`) re-ran the whole MATCH for every
            // match, so a common word over 50,000 files took seconds.
            var source = "files f"
            if !query.terms.isEmpty {
                source = "matches m JOIN files f ON f.id = m.id"
                arguments.append(Self.matchExpression(query.terms))
                order = "m.rank, " + order
            }
            for excluded in query.excluded {
                conditions.append("f.id NOT IN (SELECT rowid FROM search WHERE search MATCH ?)")
                arguments.append(Self.matchExpression([excluded]))
            }
            for facet in query.facets {
                switch facet {
                case .camera(let text):
                    conditions.append("(coalesce(a.camera_make, '') || ' ' || coalesce(a.camera_model, '')) LIKE ?")
                    arguments.append("%\(text)%")
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
                    case "rating": conditions.append("a.rating IS NOT NULL")
                    case "previews": conditions.append("EXISTS (SELECT 1 FROM renditions r WHERE r.asset_id = a.id)")
                    default:
                        conditions.append(
                            "EXISTS (SELECT 1 FROM errors e WHERE e.library_id = f.library_id AND e.path = f.path)")
                    }
                case .folder(let folder):
                    let trimmed = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
                    conditions.append("(f.path LIKE ? ESCAPE '\\' OR (l.root || '/' || f.path) LIKE ? ESCAPE '\\')")
                    let pattern = Self.escapeLike(trimmed) + "/%"
                    arguments += [pattern, pattern]
                case .library(let name):
                    conditions.append("l.name = ?")
                    arguments.append(name)
                case .duplicateExact:
                    conditions.append(
                        """
                        f.sha256 IN (SELECT sha256 FROM files WHERE state = 'present' AND sha256 IS NOT NULL
                                     GROUP BY sha256 HAVING count(*) > 1)
                        """)
                case .duplicateNear:
                    let ids = nearAssets ?? []
                    conditions.append(
                        ids.isEmpty ? "0" : "a.id IN (\(ids.map(String.init).joined(separator: ",")))")
                case .rating(let stars):
                    conditions.append("a.rating >= ?")
                    arguments.append(stars)
                case .damaged:
                    conditions.append("a.damaged = 1")
                }
            }
            arguments.append(limit)
            let matches =
                query.terms.isEmpty
                ? "" : "WITH matches(id, rank) AS (SELECT rowid, rank FROM search WHERE search MATCH ?)\n"
            let sql = matches + """
                SELECT f.id AS file_id, l.name AS library, f.path, l.root || '/' || f.path AS absolute_path,
                       f.sha256, a.kind, a.width, a.height, a.taken_at,
                       a.camera_make, a.camera_model
                FROM \(source) JOIN libraries l ON l.id = f.library_id LEFT JOIN assets a ON a.id = f.asset_id
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
