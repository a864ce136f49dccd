import GRDB

/// The Blob service's tables.
///
/// A blob's bytes are a list of chunks (`blob_blocks`), each one uploaded body kept inline or in
/// a file (`chunks`). Committing a block list or copying a blob only rewrites that list; bytes are
/// never copied. A chunk lives as long as a committed or staged block refers to it.
enum BlobSchema {
    static let migrations: [(String, @Sendable (Database) throws -> Void)] = [
        ("blob-v1", v1), ("blob-staged-count", stagedCount),
        ("blob-versions", versions),
    ]

    @Sendable static func v1(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE containers (
                    account TEXT NOT NULL,
                    name TEXT NOT NULL,
                    etag TEXT NOT NULL,
                    created REAL NOT NULL,
                    last_modified REAL NOT NULL,
                    metadata TEXT NOT NULL DEFAULT '{}',
                    public_access TEXT,
                    acl TEXT NOT NULL DEFAULT '[]',
                    lease_id TEXT,
                    lease_state TEXT NOT NULL DEFAULT 'available',
                    lease_duration INTEGER,
                    lease_expires REAL,
                    lease_break_at REAL,
                    PRIMARY KEY (account, name)
                ) WITHOUT ROWID;

                CREATE TABLE chunks (
                    id INTEGER PRIMARY KEY,
                    length INTEGER NOT NULL,
                    inline BLOB,
                    file TEXT
                );
                CREATE UNIQUE INDEX chunks_by_file ON chunks(file) WHERE file IS NOT NULL;

                CREATE TABLE blobs (
                    id INTEGER PRIMARY KEY,
                    account TEXT NOT NULL,
                    container TEXT NOT NULL,
                    name TEXT NOT NULL,
                    snapshot TEXT NOT NULL DEFAULT '',
                    blob_type TEXT NOT NULL DEFAULT 'BlockBlob',
                    etag TEXT NOT NULL,
                    created REAL NOT NULL,
                    last_modified REAL NOT NULL,
                    content_length INTEGER NOT NULL,
                    content_type TEXT,
                    content_encoding TEXT,
                    content_language TEXT,
                    content_md5 BLOB,
                    content_disposition TEXT,
                    cache_control TEXT,
                    metadata TEXT NOT NULL DEFAULT '{}',
                    tier TEXT,
                    tier_changed REAL,
                    lease_id TEXT,
                    lease_state TEXT NOT NULL DEFAULT 'available',
                    lease_duration INTEGER,
                    lease_expires REAL,
                    lease_break_at REAL,
                    copy_id TEXT,
                    copy_source TEXT,
                    copy_status TEXT,
                    copy_progress TEXT,
                    copy_completed REAL,
                    FOREIGN KEY (account, container) REFERENCES containers(account, name) ON DELETE CASCADE
                );
                CREATE UNIQUE INDEX blobs_by_name ON blobs(account, container, name, snapshot);

                CREATE TABLE blob_blocks (
                    blob_id INTEGER NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    block_id TEXT,
                    chunk_id INTEGER NOT NULL REFERENCES chunks(id),
                    length INTEGER NOT NULL,
                    PRIMARY KEY (blob_id, ordinal)
                ) WITHOUT ROWID;
                CREATE INDEX blob_blocks_by_chunk ON blob_blocks(chunk_id);

                CREATE TABLE staged_blocks (
                    account TEXT NOT NULL,
                    container TEXT NOT NULL,
                    blob TEXT NOT NULL,
                    block_id TEXT NOT NULL,
                    chunk_id INTEGER NOT NULL REFERENCES chunks(id),
                    length INTEGER NOT NULL,
                    staged REAL NOT NULL,
                    PRIMARY KEY (account, container, blob, block_id),
                    FOREIGN KEY (account, container) REFERENCES containers(account, name) ON DELETE CASCADE
                ) WITHOUT ROWID;
                CREATE INDEX staged_blocks_by_chunk ON staged_blocks(chunk_id);

                CREATE TABLE service_properties (
                    account TEXT NOT NULL,
                    service TEXT NOT NULL,
                    xml TEXT NOT NULL,
                    PRIMARY KEY (account, service)
                ) WITHOUT ROWID;
                """)
    }

    /// The number of uncommitted blocks per blob name, kept by triggers in the transactions that stage and drop
    /// them, so Put Block checks Azure's limit of 100,000 by reading one row. A replaced block is deleted and
    /// inserted again (REPLACE would skip the delete trigger).
    @Sendable static func stagedCount(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE staged_block_counts (
                    account TEXT NOT NULL,
                    container TEXT NOT NULL,
                    blob TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (account, container, blob)
                ) WITHOUT ROWID;
                INSERT INTO staged_block_counts (account, container, blob, count)
                    SELECT account, container, blob, count(*) FROM staged_blocks GROUP BY account, container, blob;
                CREATE TRIGGER staged_block_counted AFTER INSERT ON staged_blocks BEGIN
                    INSERT INTO staged_block_counts (account, container, blob, count)
                        VALUES (new.account, new.container, new.blob, 1)
                        ON CONFLICT (account, container, blob) DO UPDATE SET count = count + 1;
                END;
                CREATE TRIGGER staged_block_uncounted AFTER DELETE ON staged_blocks BEGIN
                    UPDATE staged_block_counts SET count = count - 1
                        WHERE account = old.account AND container = old.container AND blob = old.blob;
                    DELETE FROM staged_block_counts
                        WHERE account = old.account AND container = old.container AND blob = old.blob AND count <= 0;
                END;
                """)
    }
}
