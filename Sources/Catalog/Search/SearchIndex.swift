import Foundation
import GRDB

/// Keeps the FTS5 table `search` (rowid = files.id) in step with files and assets.
enum SearchIndex {
    /// Rewrites the search entry of one file from its path and its asset's description.
    static func update(fileId: Int64, path: String, db: Database) throws {
        let description = try db.cachedStatement(
            sql: """
                SELECT a.camera_make, a.camera_model, a.lens, a.keywords, a.title, a.caption
                FROM files f LEFT JOIN assets a ON a.id = f.asset_id WHERE f.id = ?
                """)
        let row = try Row.fetchOne(description, arguments: [fileId])
        let make: String? = row?["camera_make"]
        let model: String? = row?["camera_model"]
        let keywordsJSON: String? = row?["keywords"]
        let keywords = keywordsJSON.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
        let name = (path as NSString).lastPathComponent
        // unicode61 splits on `/`, `.`, `-` and `_`, so `holiday` finds `2019/Holiday_Rome/IMG-01.jpg`.
        try db.cachedStatement(sql: "DELETE FROM search WHERE rowid = ?").execute(arguments: [fileId])
        try db.cachedStatement(
            sql: "INSERT INTO search(rowid, path, name, camera, lens, keywords, title, caption) VALUES (?,?,?,?,?,?,?,?)"
        ).execute(arguments: [
                fileId, path, name,
                [make, model].compactMap { $0 }.joined(separator: " "), row?["lens"] as String?,
                keywords.joined(separator: " ; "), row?["title"] as String?, row?["caption"] as String?,
            ])
    }
}
