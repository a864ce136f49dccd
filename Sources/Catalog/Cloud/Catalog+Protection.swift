import Foundation
import GRDB

/// What the catalog knows of a master's version-level immutability policy (table `master_protection`).
package struct MasterProtection: Sendable, Equatable {
    package var sha256: String
    /// The end of the policy, as the service reported it.
    package var until: Date
    /// `Unlocked` or `Locked`, as the service spells it.
    package var mode: String
    /// The protected version (`x-ms-version-id`), when the account reported one.
    package var versionID: String?

    /// Makes one.
    package init(sha256: String, until: Date, mode: String, versionID: String?) {
        self.sha256 = sha256
        self.until = until
        self.mode = mode
        self.versionID = versionID
    }
}

/// SQL true when the content named by the column `sha` is still referenced here: a present path holds it, or a history version of a
/// path holds it and no purge of it was queued for that path (under `mirror`, a deleted path's purge
/// releases its versions; under `keep`, history versions reference their content for ever).
private func stillReferenced(_ sha: String) -> String {
    """
    (EXISTS (SELECT 1 FROM files WHERE files.sha256 = \(sha) AND files.state = 'present')
     OR EXISTS (SELECT 1 FROM outbox h WHERE h.kind = 'history'
                AND json_extract(h.payload, '$.sha256') = \(sha)
                AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.kind = 'purge' AND p.target = \(sha)
                                AND json_extract(p.payload, '$.library') IS json_extract(h.payload, '$.library')
                                AND json_extract(p.payload, '$.path') IS json_extract(h.payload, '$.path'))))
    """
}

extension Catalog {
    /// Records what the service reported, never moving a known date earlier (a late answer of an older
    /// extension must not make the catalog think the policy ends sooner than it does). Called in the transaction
    /// that marks the upload or extension done.
    static func recordProtection(_ protection: MasterProtection, db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO master_protection (sha256, until, mode, version_id, recorded_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (sha256) DO UPDATE SET
                    until = max(until, excluded.until), mode = excluded.mode,
                    version_id = coalesce(excluded.version_id, version_id), recorded_at = excluded.recorded_at
                """,
            arguments: [
                protection.sha256, OutboxTime.format(protection.until), protection.mode, protection.versionID,
                OutboxTime.format(Date()),
            ])
    }

    /// The recorded protection of one master, nil when none was recorded.
    package func protection(sha256: String) throws -> MasterProtection? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM master_protection WHERE sha256 = ?", arguments: [sha256])
                .map(Self.protection)
        }
    }

    /// Every recorded protection, by content (what verify reports).
    package func protections() throws -> [String: MasterProtection] {
        try read { db in
            var result: [String: MasterProtection] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM master_protection") {
                let protection = Self.protection(row)
                result[protection.sha256] = protection
            }
            return result
        }
    }

    /// Queues a `protect` row for up to `limit` still-referenced, uploaded masters whose policy ends before
    /// `renewBefore` or that have none recorded (uploaded before immutability was switched on), and that have none
    /// queued yet, in one transaction (a kill leaves either the rows or nothing; the next pass queues what is
    /// missing). Returns how many were queued. Masters no path or kept version references any more are left to
    /// lapse, so that a `mirror` purge can remove them when their policy ends.
    package func queueProtectionRenewals(renewBefore: Date, limit: Int) throws -> Int {
        try write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT assets.id AS asset_id, assets.sha256 AS sha256, p.version_id AS version_id
                    FROM assets LEFT JOIN master_protection p ON p.sha256 = assets.sha256
                    WHERE (p.until IS NULL OR p.until < ?)
                      AND \(Self.uploaded("assets.sha256"))
                      AND NOT EXISTS (SELECT 1 FROM outbox q WHERE q.kind = 'protect' AND q.target = assets.sha256
                                      AND q.done_at IS NULL)
                      AND \(stillReferenced("assets.sha256"))
                    ORDER BY p.until IS NOT NULL, p.until LIMIT ?
                    """,
                arguments: [OutboxTime.format(renewBefore), OutboxNote.superseded, limit])
            for row in rows {
                let sha: String = row["sha256"]
                try OutboxWriter.insert(
                    .protect(ProtectedMaster(sha256: sha, versionID: row["version_id"])), target: sha, fileId: nil,
                    assetId: row["asset_id"], db: db)
            }
            return rows.count
        }
    }

    /// Queues the extension of one master's policy (verify's repair) unless one is queued; true when queued.
    package func requeueProtection(sha256: String) throws -> Bool {
        try write { db in
            guard try !OutboxWriter.isPending(.protect, target: sha256, db: db),
                let assetId = try Int64.fetchOne(db, sql: "SELECT id FROM assets WHERE sha256 = ?", arguments: [sha256])
            else { return false }
            let versionID = try String.fetchOne(
                db, sql: "SELECT version_id FROM master_protection WHERE sha256 = ?", arguments: [sha256])
            try OutboxWriter.insert(
                .protect(ProtectedMaster(sha256: sha256, versionID: versionID)), target: sha256, fileId: nil,
                assetId: assetId, db: db)
            return true
        }
    }

    /// SQL true when the master of the content in column `sha` was uploaded (a done, not superseded, master
    /// row); takes one argument, `OutboxNote.superseded`.
    private static func uploaded(_ sha: String) -> String {
        """
        EXISTS (SELECT 1 FROM outbox m WHERE m.kind = 'master' AND m.target = \(sha)
                AND m.done_at IS NOT NULL AND m.last_error IS NOT ?)
        """
    }

    /// The contents still referenced here (a present path, or a history version not released by a purge)
    /// whose master was uploaded: the masters that must stay protected.
    package func referencedMasters() throws -> Set<String> {
        try read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT sha256 FROM assets WHERE \(Self.uploaded("assets.sha256"))
                          AND \(stillReferenced("assets.sha256"))
                        """,
                    arguments: [OutboxNote.superseded]))
        }
    }

    private static func protection(_ row: Row) -> MasterProtection {
        MasterProtection(
            sha256: row["sha256"], until: OutboxTime.parse(row["until"]) ?? .distantPast, mode: row["mode"],
            versionID: row["version_id"])
    }
}
