import GRDB

extension BlobSchema {
    /// Versions, soft delete and version-level immutability.
    ///
    /// A `blobs` row is live (the current blob or one of its snapshots) when `retired` is empty. Otherwise it is kept
    /// for what came later: `retired` is the version ID of a previous version, or `deleted/…` for a soft-deleted blob
    /// or snapshot; `deleted_time` says when a soft delete happened and `purge_after` when the purge sweep may drop
    /// it (fixed at the delete: Azure applies a changed retention only to what is deleted afterwards).
    /// Every kind shares chunks with the rows it was made from: keeping a state costs block rows, never bytes.
    ///
    /// A soft-deleted container keeps its blobs under a parked row: `name` becomes `~deleted~VERSION~NAME`, which no
    /// request can name (container names are lowercase letters, digits and hyphens), and `deleted_name` keeps the
    /// name Restore Container brings it back under.
    @Sendable static func versions(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE blobs ADD COLUMN version_id TEXT;
                ALTER TABLE blobs ADD COLUMN retired TEXT NOT NULL DEFAULT '';
                ALTER TABLE blobs ADD COLUMN deleted_time REAL;
                ALTER TABLE blobs ADD COLUMN purge_after REAL;
                ALTER TABLE blobs ADD COLUMN immutability_until REAL;
                ALTER TABLE blobs ADD COLUMN immutability_mode TEXT;
                ALTER TABLE blobs ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
                DROP INDEX blobs_by_name;
                CREATE UNIQUE INDEX blobs_by_name ON blobs(account, container, name, snapshot, retired);
                CREATE INDEX blobs_to_purge ON blobs(purge_after) WHERE purge_after IS NOT NULL;

                ALTER TABLE containers ADD COLUMN version_immutability INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE containers ADD COLUMN deleted_time REAL;
                ALTER TABLE containers ADD COLUMN deleted_name TEXT;
                ALTER TABLE containers ADD COLUMN deleted_version TEXT;
                ALTER TABLE containers ADD COLUMN purge_after REAL;
                """)
    }
}
