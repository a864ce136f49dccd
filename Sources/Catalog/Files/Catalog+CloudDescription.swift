import GRDB

extension AssetRecord {
    /// `analyzedAt` of content whose previews are made in the cloud (`[previews] where = "cloud"`): the
    /// master and its extract message are queued, and `ironviper worker` describes it into the `files`
    /// rows, from which the daemon learns it (`learnDescription`).
    package static let describedInCloud = "cloud"
}

/// What `ironviper worker` found about a content, read back from a `files` row.
package struct LearnedDescription: Sendable {
    package var width: Int?
    package var height: Int?
    package var takenAt: String?
    package var takenOffset: String?
    package var cameraMake: String?
    package var cameraModel: String?
    package var latitude: Double?
    package var longitude: Double?
    package var altitude: Double?
    package var phash: Int64?
    /// The renditions in `pv-store`, with their local paths (fetched on demand, `PreviewCache`).
    package var renditions: [RenditionRecord] = []
    /// What went wrong (code, message): no previews could be made, or they were made from damaged data.
    package var problem: (code: String, message: String)?

    package init() {}
}

extension Catalog {
    /// Contents waiting for their description from the cloud whose extract message was sent, asset id
    /// after `after`, oldest first, each with one present path holding it (library name and path, to
    /// find its `files` row).
    package func awaitingCloudDescription(after: Int64, limit: Int) throws
        -> [(assetId: Int64, sha256: String, library: String, path: String)]
    {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.id, a.sha256, l.name, min(f.path) FROM assets a
                    JOIN files f ON f.asset_id = a.id AND f.state = 'present'
                    JOIN libraries l ON l.id = f.library_id
                    WHERE a.analyzed_at = ? AND a.id > ?
                      AND EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 'event' AND o.asset_id = a.id
                                  AND o.done_at IS NOT NULL)
                    GROUP BY a.id ORDER BY a.id LIMIT ?
                    """,
                arguments: [AssetRecord.describedInCloud, after, limit]
            ).map { row in (row[0], row[1], row[2], row[3]) }
        }
    }

    /// How many contents wait for their description from the cloud (for `status`).
    package func awaitingCloudDescriptionCount() throws -> Int {
        try read { db in
            try Int.fetchOne(
                db, sql: "SELECT count(*) FROM assets WHERE analyzed_at = ?", arguments: [AssetRecord.describedInCloud])
                ?? 0
        }
    }

    /// How many extract messages sat in the poison queue when the daemon last looked (nil: never
    /// looked), for `status`: contents whose previews no worker could make.
    package func poisonedExtractMessages() throws -> Int? {
        try setting("extractPoisoned").flatMap(Int.init)
    }

    package func recordPoisonedExtractMessages(_ count: Int) throws {
        try setSetting("extractPoisoned", to: String(count))
    }

    /// Records what the worker found: the asset's image facts, its renditions (already in the cloud, so
    /// nothing is queued for them) and what went wrong (no previews, or damaged data) as a problem of
    /// every path holding it. Search sees the new facts at once. The rows of the other paths holding it
    /// are written again (a path recorded after the worker ran has a row without the description);
    /// `described` is the path whose row it was read from. Returns false when the content was not
    /// waiting for it.
    @discardableResult
    package func learnDescription(
        sha256: String, _ learned: LearnedDescription, from described: (library: String, path: String), at now: String
    ) throws -> Bool {
        try write { db in
            guard var asset = try AssetRecord.filter(Column("sha256") == sha256).fetchOne(db),
                let assetId = asset.id, asset.analyzedAt == AssetRecord.describedInCloud
            else { return false }
            asset.width = learned.width
            asset.height = learned.height
            asset.takenAt = learned.takenAt
            asset.takenOffset = learned.takenOffset
            asset.cameraMake = learned.cameraMake
            asset.cameraModel = learned.cameraModel
            asset.latitude = learned.latitude
            asset.longitude = learned.longitude
            asset.altitude = learned.altitude
            asset.phash = learned.phash
            asset.analyzedAt = now
            try asset.update(db)
            for var rendition in learned.renditions {
                rendition.assetId = assetId
                try rendition.insert(db, onConflict: .replace)
            }
            let holders = try FileRecord.filter(Column("asset_id") == assetId && Column("state") == FileState.present)
                .fetchAll(db)
            for file in holders {
                if let problem = learned.problem {
                    var record = ErrorRecord(
                        id: nil, libraryId: file.libraryId, path: file.path, sha256: sha256, stage: "imaging",
                        code: problem.code, message: problem.message + " (reported by ironviper worker)",
                        occurredAt: now)
                    try record.insert(db)
                }
                try SearchIndex.update(fileId: file.id!, path: file.path, db: db)
            }
            let others = try holders.filter {
                try ($0.path, Self.libraryName(id: $0.libraryId, db: db)) != (described.path, described.library)
            }
            try OutboxWriter.describedInCloud(assetId: assetId, holders: others, db: db)
            return true
        }
    }
}
