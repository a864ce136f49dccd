import GRDB

/// The schema, as an ordered list of migrations: a catalog made by any earlier version is brought
/// up to date on open, and a new one is built by running them all from an empty database.
enum CatalogMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: libraries, files, assets, renditions, outbox, errors, search") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2: outbox parking and lookups, outbox backfilled") { db in
            try db.execute(sql: v2)
            try OutboxWriter.backfill(db: db)
        }
        migrator.registerMigration("v3: settings (the device), libraries announced to the devices table") { db in
            try db.execute(sql: v3)
            for library in try LibraryRecord.fetchAll(db) { try OutboxWriter.librarySeen(library, db: db) }
        }
        migrator.registerMigration("v4: cloud requests counted per day and billing class") { db in
            try db.execute(sql: v4)
        }
        migrator.registerMigration("v5: tags and ratings") { db in
            try db.execute(sql: v5)
        }
        migrator.registerMigration("v6: masters' immutability protection") { db in
            try db.execute(sql: v6)
        }
        migrator.registerMigration("v7: the outbox's pending rows indexed in id order") { db in
            try db.execute(sql: v7)
        }
        return migrator
    }

    // Raw SQL: it is the contract with the daemon and with anyone opening the file in `sqlite3`,
    // and FTS5 has no query-builder form in GRDB on Linux.
    private static let v1 = """
        CREATE TABLE libraries (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,           -- PartitionKey of the cloud tables
            root TEXT NOT NULL UNIQUE,           -- absolute folder path
            created_at TEXT NOT NULL
        );
        CREATE TABLE assets (                    -- one per distinct content
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            md5 TEXT NOT NULL,                   -- Azure's Content-MD5
            size INTEGER NOT NULL,
            kind TEXT NOT NULL,                  -- jpeg, png, tiff, gif, webp, heic, avif, raw, other
            mime TEXT NOT NULL,
            width INTEGER, height INTEGER,       -- after orientation
            orientation INTEGER,
            taken_at TEXT,                       -- camera-local YYYY-MM-DDTHH:MM:SS
            taken_offset TEXT,                   -- +02:00 when recorded
            camera_make TEXT, camera_model TEXT, lens TEXT,
            exposure_time REAL, f_number REAL, iso INTEGER, focal_length REAL,
            latitude REAL, longitude REAL, altitude REAL,
            title TEXT, caption TEXT,
            keywords TEXT,                       -- JSON array
            rating INTEGER,
            phash INTEGER,                       -- 64-bit dHash, stored as its signed bit pattern
            damaged INTEGER NOT NULL DEFAULT 0,  -- decoded with corrupt-data warnings
            warnings TEXT,                       -- ImageMagick's warnings, newline separated
            metadata TEXT NOT NULL DEFAULT '{}', -- the complete raw set, JSON
            analyzed_at TEXT NOT NULL
        );
        CREATE INDEX assets_taken_at ON assets(taken_at);
        CREATE TABLE files (
            id INTEGER PRIMARY KEY,
            library_id INTEGER NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
            path TEXT NOT NULL,                  -- relative to the library root
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            inode INTEGER NOT NULL,
            sha256 TEXT,
            state TEXT NOT NULL DEFAULT 'present', -- present, missing
            asset_id INTEGER REFERENCES assets(id) ON DELETE SET NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            UNIQUE (library_id, path)
        );
        CREATE INDEX files_sha256 ON files(sha256);
        CREATE INDEX files_asset ON files(asset_id);
        CREATE TABLE renditions (
            asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
            name TEXT NOT NULL,                  -- hd, 1600, ..., sq100
            width INTEGER NOT NULL, height INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            path TEXT NOT NULL,                  -- relative to the previews folder
            PRIMARY KEY (asset_id, name)
        ) WITHOUT ROWID;
        CREATE TABLE outbox (                    -- pending cloud work, written with the local fact
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,                  -- master, rendition, entity, event, delete
            target TEXT NOT NULL,                -- blob name, table row key, queue name
            payload TEXT,                        -- JSON
            file_id INTEGER REFERENCES files(id) ON DELETE SET NULL,
            asset_id INTEGER REFERENCES assets(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            not_before TEXT,
            last_error TEXT,
            done_at TEXT
        );
        CREATE INDEX outbox_pending ON outbox(done_at, not_before);
        CREATE TABLE errors (
            id INTEGER PRIMARY KEY,
            library_id INTEGER REFERENCES libraries(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            sha256 TEXT,
            stage TEXT NOT NULL,                 -- stat, hash, imaging
            code TEXT NOT NULL,                  -- e.g. unreadableInput, resourceLimit, damaged
            message TEXT NOT NULL,               -- with ImageMagick's exception text
            occurred_at TEXT NOT NULL
        );
        CREATE INDEX errors_path ON errors(library_id, path);
        -- rowid = files.id; kept in step by the catalog in the same transaction as the file row
        CREATE VIRTUAL TABLE search USING fts5(
            path, name, camera, lens, keywords, title, caption,
            tokenize = "unicode61 remove_diacritics 2"
        );
        """

    // Outbox kinds since v2: master, rendition, entity, folder, history, event, delete, purge.
    // A parked row failed too often: it waits for `parked_at` to be cleared (or its not_before) and
    // never holds up the rest. The (kind, target) index serves "is this content already queued?".
    private static let v2 = """
        ALTER TABLE outbox ADD COLUMN parked_at TEXT;
        CREATE INDEX outbox_target ON outbox(kind, target);
        CREATE INDEX outbox_asset ON outbox(asset_id, kind);
        """

    // Facts about the catalog itself: `device` (the name its rows in the cloud are keyed under) and
    // `cloudKeys` (`device` once the rows an older version wrote without a device were moved).
    private static let v3 = """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        """

    // Every request the client sent and Azure answered, per UTC day, operation, billing class and tier (''
    // for the account's default): what `ironviper cost` prices. Counts only grow; a day's row is upserted.
    private static let v4 = """
        CREATE TABLE cloud_requests (
            day TEXT NOT NULL,                   -- YYYY-MM-DD, UTC
            service TEXT NOT NULL,               -- blob, queue, table
            operation TEXT NOT NULL,             -- Azure's logged name: PutBlob, GetBlobProperties, ...
            class TEXT NOT NULL,                 -- write, read, list, other, delete, table, queue
            tier TEXT NOT NULL DEFAULT '',       -- Hot, Cool, Cold, Archive as the request named it
            requests INTEGER NOT NULL,
            PRIMARY KEY (day, service, operation, class, tier)
        ) WITHOUT ROWID;
        """

    // A person's own words about a content (the gallery's tags and 0–5 stars), keyed by content so a
    // rename, a move or a duplicate keeps them. Never written into the photo folders. A user rating
    // overrides the rating embedded in the file (`assets.rating`) for `rating:`.
    private static let v5 = """
        CREATE TABLE tags (
            sha256 TEXT NOT NULL,
            tag TEXT NOT NULL COLLATE NOCASE,
            added_at TEXT NOT NULL,
            PRIMARY KEY (sha256, tag)
        ) WITHOUT ROWID;
        CREATE INDEX tags_tag ON tags(tag, sha256);
        CREATE TABLE ratings (
            sha256 TEXT PRIMARY KEY,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 0 AND 5),
            rated_at TEXT NOT NULL
        ) WITHOUT ROWID;
        """

    // What the service said about each master's version-level immutability policy, recorded in the transaction
    // that marks its upload (or its extension) done: until when no one, the holder of the account key included,
    // can delete that version. `version_id` names the version the policy is on (an overwrite by someone else
    // makes a new current version; the protected one stays as a previous version). Only ever moved later.
    private static let v6 = """
        CREATE TABLE master_protection (
            sha256 TEXT PRIMARY KEY,
            until TEXT NOT NULL,                 -- OutboxTime text
            mode TEXT NOT NULL,                  -- Unlocked, Locked
            version_id TEXT,                     -- x-ms-version-id of the protected version
            recorded_at TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX master_protection_until ON master_protection(until);
        """

    // The sync's look for due rows (`Outbox.due`: pending, oldest first, the first few not blocked) walked every
    // pending row and sorted them by id on each look: 17 ms with 20,000 rows pending, once per 16 rows run, most of
    // a small-file backup's catalog time. Pending rows in id order let the look stop after the first few it can run
    // (0.2 ms). It replaces `outbox_pending` (done_at, not_before), whose queries are served as well by this one.
    private static let v7 = """
        DROP INDEX outbox_pending;
        CREATE INDEX outbox_due ON outbox(done_at, id);
        """
}
