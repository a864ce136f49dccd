import GRDB

extension AssetRecord {
    /// `analyzedAt` of a placeholder: the content is recorded (its master queued) and its description
    /// (metadata, previews) is still being made, or was cut short by a crash.
    package static let describing = ""
}

extension Catalog {
    /// Completes a placeholder recorded with `IngestRecord.describing`: the asset's metadata, its
    /// previews and their uploads (or the extract event), fresh entities and search entries for every
    /// path holding it, and the imaging errors of the path that was read. One transaction.
    package func describe(
        _ described: AssetRecord, renditions: [RenditionRecord], errors: [ErrorRecord], libraryId: Int64, path: String
    ) throws {
        try write { db in
            guard let existing = try AssetRecord.filter(Column("sha256") == described.sha256).fetchOne(db),
                let assetId = existing.id, existing.analyzedAt == AssetRecord.describing
            else { return }  // described meanwhile (a crash recovery racing an ingest): nothing to add
            var asset = described
            asset.id = assetId
            try asset.update(db)
            for var rendition in renditions {
                rendition.assetId = assetId
                try rendition.insert(db)
            }
            for var error in errors {
                error.libraryId = libraryId
                error.path = path
                try error.insert(db)
            }
            let holders = try FileRecord.filter(Column("asset_id") == assetId && Column("state") == FileState.present)
                .order(Column("id")).fetchAll(db)
            try OutboxWriter.contentDescribed(assetId: assetId, holders: holders, db: db)
            for file in holders {
                try SearchIndex.update(fileId: file.id!, path: file.path, db: db)
            }
        }
    }

    /// Placeholders a crash left undescribed, each with a present file holding its content (library
    /// id, root and relative path), so the next scan can finish them.
    package func undescribed() throws -> [(sha256: String, libraryId: Int64, root: String, path: String)] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.sha256, f.library_id, l.root, f.path FROM assets a
                    JOIN files f ON f.asset_id = a.id AND f.state = 'present'
                    JOIN libraries l ON l.id = f.library_id
                    WHERE a.analyzed_at = ? GROUP BY a.id
                    """,
                arguments: [AssetRecord.describing]
            ).map { row in (row[0], row[1], row[2], row[3]) }
        }
    }
}
