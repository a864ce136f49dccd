import GRDB

extension BlobSchema {
    /// Append and page blobs.
    ///
    /// An append blob keeps its blocks in `blob_blocks` like a block blob (one row per Append Block, no block ID),
    /// so an append never rewrites earlier bytes. A page blob's written pages are `blob_pages` rows: disjoint byte
    /// ranges, each naming the part of a chunk that holds its bytes. Pages no row covers read as zeros and take no
    /// space; a write or clear trims the rows it overlaps, so a chunk no row uses any more is reclaimed in the same
    /// transaction.
    @Sendable static func appendAndPage(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE blobs ADD COLUMN sequence_number INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE blobs ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;

                CREATE TABLE blob_pages (
                    blob_id INTEGER NOT NULL REFERENCES blobs(id) ON DELETE CASCADE,
                    start INTEGER NOT NULL,
                    length INTEGER NOT NULL,
                    chunk_id INTEGER NOT NULL REFERENCES chunks(id),
                    chunk_offset INTEGER NOT NULL,
                    PRIMARY KEY (blob_id, start)
                ) WITHOUT ROWID;
                CREATE INDEX blob_pages_by_chunk ON blob_pages(chunk_id);
                """)
    }
}
