import GRDB

/// The tables of Archive rehydration and blob index tags (migration `blob-tiers-tags`).
///
/// Both hang off a blob row and go with it (`ON DELETE CASCADE`). A rehydration stores when it is due, not a timer:
/// an emulator restarted after (or during) the wait completes it from the stored time.
enum BlobTierTagSchema {
    @Sendable static func migration(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE blob_rehydrations (
                    blob_id INTEGER PRIMARY KEY REFERENCES blobs(id) ON DELETE CASCADE,
                    to_tier TEXT NOT NULL,
                    priority TEXT NOT NULL,
                    due REAL NOT NULL,
                    by_copy INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX blob_rehydrations_by_due ON blob_rehydrations(due);

                CREATE TABLE blob_tags (
                    blob_id INTEGER NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (blob_id, key)
                ) WITHOUT ROWID;
                CREATE INDEX blob_tags_by_key ON blob_tags(key, value);
                """)
    }
}
