import Foundation
import GRDB

extension Catalog {
    /// The tags and rating of a content.
    package func annotation(sha256: String) throws -> Annotation {
        try read { db in try Self.annotation(sha256: sha256, db: db) }
    }

    /// Changes the tags and rating of the content that file `fileId` holds, in one transaction that also
    /// queues the `files` rows of every present path holding it (`OutboxWriter.annotated`): searchable at
    /// once, in the cloud at the next sync. `rating` is `.some(nil)` to clear it, nil to leave it.
    /// Returns the new annotation.
    @discardableResult
    package func annotate(fileId: Int64, addTags: [String] = [], removeTags: [String] = [], rating: Int?? = nil)
        throws -> Annotation
    {
        let added = try addTags.map(Annotation.validatedTag)
        let removed = removeTags.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        if case .some(.some(let stars)) = rating, !(0...5).contains(stars) {
            throw CatalogError(.invalid, "\(stars)", detail: "a rating is 0 to 5 stars")
        }
        return try write { db in
            guard let file = try FileRecord.fetchOne(db, key: fileId) else {
                throw CatalogError(.notFound, "file \(fileId)", detail: "no such catalog entry")
            }
            guard let sha = file.sha256 else {
                throw CatalogError(.invalid, file.path, detail: "not hashed yet: nothing to annotate")
            }
            let now = Timestamp.now()
            for tag in removed {
                try db.execute(sql: "DELETE FROM tags WHERE sha256 = ? AND tag = ?", arguments: [sha, tag])
            }
            for tag in added {
                try db.execute(
                    sql: "INSERT INTO tags (sha256, tag, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    arguments: [sha, tag, now])
            }
            switch rating {
            case .none: break
            case .some(.none): try db.execute(sql: "DELETE FROM ratings WHERE sha256 = ?", arguments: [sha])
            case .some(.some(let stars)):
                try db.execute(
                    sql: """
                        INSERT INTO ratings (sha256, rating, rated_at) VALUES (?, ?, ?)
                        ON CONFLICT (sha256) DO UPDATE SET rating = excluded.rating, rated_at = excluded.rated_at
                        """, arguments: [sha, stars, now])
            }
            try OutboxWriter.annotated(sha256: sha, db: db)
            return try Self.annotation(sha256: sha, db: db)
        }
    }

    /// Every tag in use with the number of contents carrying it, most used first.
    package func tagCounts() throws -> [(tag: String, count: Int)] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT min(tag) AS tag, count(*) AS n FROM tags GROUP BY tag ORDER BY n DESC, tag"
            ).map { ($0["tag"], $0["n"]) }
        }
    }

    static func annotation(sha256: String, db: Database) throws -> Annotation {
        Annotation(
            tags: try String.fetchAll(
                db.cachedStatement(sql: "SELECT tag FROM tags WHERE sha256 = ? ORDER BY tag COLLATE NOCASE"),
                arguments: [sha256]),
            rating: try Int.fetchOne(
                db.cachedStatement(sql: "SELECT rating FROM ratings WHERE sha256 = ?"), arguments: [sha256]))
    }
}
