import Foundation
import GRDB

/// Everything the catalog knows about one content and the paths that hold it.
package struct AssetDetail: Sendable {
    /// The description, nil for a file not (yet) analysed.
    package var asset: AssetRecord?
    /// The paths (in any library) holding this content.
    package var files: [FileRecord]
    /// Library names by id, to print paths.
    package var libraries: [Int64: LibraryRecord]
    /// The previews.
    package var renditions: [RenditionRecord]
    /// Failures recorded against those paths.
    package var errors: [ErrorRecord]
}

extension Catalog {
    /// Finds a file by absolute path, `library/relative` path or relative path, or an asset by its
    /// SHA-256 (or a unique prefix of at least 8 hex digits).
    package func detail(for reference: String) throws -> AssetDetail {
        try read { db in
            let libraries = Dictionary(
                uniqueKeysWithValues: try LibraryRecord.fetchAll(db).map { ($0.id!, $0) })
            var files: [FileRecord] = []
            let lowered = reference.lowercased()
            if lowered.count >= 8, lowered.count <= 64, lowered.allSatisfy(\.isHexDigit) {
                files = try FileRecord.fetchAll(
                    db, sql: "SELECT * FROM files WHERE sha256 LIKE ? ORDER BY path", arguments: [lowered + "%"])
                let distinct = Set(files.compactMap(\.sha256))
                if distinct.count > 1 {
                    throw CatalogError(.notFound, reference, detail: "prefix matches \(distinct.count) contents")
                }
            }
            if files.isEmpty {
                let absolute = (reference as NSString).standardizingPath
                for library in libraries.values {
                    let prefix = library.root + "/"
                    if absolute.hasPrefix(prefix) {
                        files += try FileRecord.filter(
                            Column("library_id") == library.id!
                                && Column("path") == String(absolute.dropFirst(prefix.count))
                        ).fetchAll(db)
                    }
                    if reference.hasPrefix(library.name + "/") {
                        files += try FileRecord.filter(
                            Column("library_id") == library.id!
                                && Column("path") == String(reference.dropFirst(library.name.count + 1))
                        ).fetchAll(db)
                    }
                }
                if files.isEmpty {
                    files = try FileRecord.filter(Column("path") == reference).fetchAll(db)
                }
            }
            guard let first = files.first else {
                throw CatalogError(.notFound, reference, detail: "no file or content by that path or hash")
            }
            // All paths of the same content, so `show` answers "where else is this photo?".
            if let sha = first.sha256 {
                files = try FileRecord.filter(Column("sha256") == sha).order(Column("path")).fetchAll(db)
            }
            let asset = try first.sha256.flatMap { try AssetRecord.filter(Column("sha256") == $0).fetchOne(db) }
            let renditions =
                try asset.map {
                    try RenditionRecord.filter(Column("asset_id") == $0.id!).fetchAll(db)
                } ?? []
            var errors: [ErrorRecord] = []
            for file in files {
                errors += try ErrorRecord.filter(Column("library_id") == file.libraryId && Column("path") == file.path)
                    .fetchAll(db)
            }
            return AssetDetail(asset: asset, files: files, libraries: libraries, renditions: renditions, errors: errors)
        }
    }
}
