import Foundation
import GRDB

/// What the catalog knows about the cloud copy, for pricing it (`ironviper cost`): what is stored, what a
/// purge will remove, and what a plain mirror of the same library would have stored and sent.
package struct CostFacts: Sendable, Equatable, Codable {
    /// Masters uploaded and not purged since (content-addressed: each content once).
    package var masters = 0
    package var masterBytes: Int64 = 0
    /// Renditions uploaded (each blob once).
    package var renditions = 0
    package var renditionBytes: Int64 = 0
    /// Table rows written (files, folders, history, refs, devices), each key once.
    package var tableRows = 0
    /// Present files, every path counted, duplicates included: what a mirror of the folders stores.
    package var presentFiles = 0
    package var presentBytes: Int64 = 0
    /// Versions of paths ever recorded (a new path, a changed file, a rename): what a mirror uploads.
    package var versionsRecorded = 0
    package var versionBytes: Int64 = 0
    /// Masters a `mirror` delete will purge, with when each was uploaded (for early-deletion charges).
    package var pendingPurges: [PendingPurge] = []
    /// Contents with renditions, their pixels at the lean profile's two sizes (fitting a 250 and a 1440 square,
    /// never larger than the source), and the bytes per pixel the local renditions have: what a lean profile
    /// would store, estimated from the library itself.
    package var contentsWithRenditions = 0
    package var leanThumbnailPixels: Double = 0
    package var leanPreviewPixels: Double = 0
    package var renditionBytesPerPixel: Double = 0

    package struct PendingPurge: Sendable, Equatable, Codable {
        package var bytes: Int64
        package var uploadedAt: Date?

        package init(bytes: Int64, uploadedAt: Date?) {
            self.bytes = bytes
            self.uploadedAt = uploadedAt
        }
    }

    package init() {}
}

extension Catalog {
    package func costFacts() throws -> CostFacts {
        try read { db in
            var facts = CostFacts()
            let masters = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*), coalesce(sum(a.size), 0) FROM assets a
                    WHERE EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 'master' AND o.target = a.sha256
                                  AND o.done_at IS NOT NULL AND o.last_error IS NOT ?)
                      AND NOT (NOT EXISTS (SELECT 1 FROM files f WHERE f.sha256 = a.sha256 AND f.state = 'present')
                               AND EXISTS (SELECT 1 FROM outbox p WHERE p.kind = 'purge' AND p.done_at IS NOT NULL
                                           AND json_extract(p.payload, '$.sha256') = a.sha256))
                    """, arguments: [OutboxNote.superseded])
            facts.masters = masters?[0] ?? 0
            facts.masterBytes = masters?[1] ?? 0
            let renditions = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*), coalesce(sum(size), 0) FROM (
                        SELECT target, max(coalesce(json_extract(payload, '$.size'), 0)) AS size FROM outbox
                        WHERE kind = 'rendition' AND done_at IS NOT NULL AND last_error IS NOT ? GROUP BY target)
                    """, arguments: [OutboxNote.superseded])
            facts.renditions = renditions?[0] ?? 0
            facts.renditionBytes = renditions?[1] ?? 0
            facts.tableRows =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT count(DISTINCT kind || ' ' || target || ' ' || coalesce(payload, '')) FROM outbox
                        WHERE kind IN ('entity', 'folder', 'history', 'reference', 'library') AND done_at IS NOT NULL
                        """) ?? 0
            let present = try Row.fetchOne(
                db, sql: "SELECT count(*), coalesce(sum(size), 0) FROM files WHERE state = 'present'")
            facts.presentFiles = present?[0] ?? 0
            facts.presentBytes = present?[1] ?? 0
            let versions = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*), coalesce(sum(coalesce(json_extract(payload, '$.size'), 0)), 0) FROM outbox
                    WHERE kind = 'history'
                    """)
            facts.versionsRecorded = versions?[0] ?? 0
            facts.versionBytes = versions?[1] ?? 0
            facts.pendingPurges = try Row.fetchAll(
                db,
                sql: """
                    SELECT coalesce(a.size, 0),
                           (SELECT max(m.done_at) FROM outbox m WHERE m.kind = 'master' AND m.target = a.sha256)
                    FROM outbox p JOIN assets a ON a.sha256 = json_extract(p.payload, '$.sha256')
                    WHERE p.kind = 'purge' AND p.done_at IS NULL
                    """
            ).map { CostFacts.PendingPurge(bytes: $0[0], uploadedAt: OutboxTime.parse($0[1] as String?)) }
            let lean = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*),
                           coalesce(sum(width * height * min(1.0, 250.0 / max(width, height)) * min(1.0, 250.0 / max(width, height))), 0),
                           coalesce(sum(width * height * min(1.0, 1440.0 / max(width, height)) * min(1.0, 1440.0 / max(width, height))), 0)
                    FROM assets a WHERE width > 0 AND height > 0 AND EXISTS (SELECT 1 FROM renditions r WHERE r.asset_id = a.id)
                    """)
            facts.contentsWithRenditions = lean?[0] ?? 0
            facts.leanThumbnailPixels = lean?[1] ?? 0
            facts.leanPreviewPixels = lean?[2] ?? 0
            let local = try Row.fetchOne(
                db, sql: "SELECT coalesce(sum(bytes), 0), coalesce(sum(width * height), 0) FROM renditions")
            let pixels: Double = local?[1] ?? 0
            facts.renditionBytesPerPixel = pixels > 0 ? (local?[0] ?? 0) / pixels : 0
            return facts
        }
    }
}
