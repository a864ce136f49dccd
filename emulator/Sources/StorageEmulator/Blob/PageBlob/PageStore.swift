import Foundation
import GRDB

/// A page blob's pages in SQLite (`blob_pages`): disjoint runs, each pointing into a chunk.
///
/// A write stores only its own bytes as a new chunk and trims the runs it overlaps; a clear only trims. Trimming
/// rewrites run rows, never bytes, and marks the chunks of the trimmed runs: a chunk whose last run went away (fully
/// overwritten or cleared) is deleted in the same transaction by the `OrphanCollector`.
enum PageStore {
    static let blobType = "PageBlob"
    /// Azure's largest page blob (8 TiB) and largest Put Page body (4 MiB).
    static let maxBlobLength: Int64 = 8 * 1024 * 1024 * 1024 * 1024
    static let maxPutPageSize = 4 * 1024 * 1024

    /// The runs of a blob, in order; only those overlapping `range` when one is given.
    static func runs(_ db: Database, blobID: Int64, overlapping range: Range<Int64>? = nil) throws -> [PageRun] {
        let range = range ?? 0..<Int64.max
        return try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT start, length, chunk_id, chunk_offset FROM blob_pages
                    WHERE blob_id = ? AND start < ? AND start + length > ? ORDER BY start
                    """), arguments: [blobID, range.upperBound, range.lowerBound]
        ).map { PageRun(start: $0[0], length: $0[1], chunkID: $0[2], chunkOffset: $0[3]) }
    }

    /// The blob's content of `length` bytes as extents: its runs, and zeros between them.
    static func extents(_ db: Database, blobID: Int64, length: Int64) throws -> [BlobExtent] {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT p.start, p.length, p.chunk_offset, c.inline, c.file FROM blob_pages p JOIN chunks c ON c.id = p.chunk_id
                    WHERE p.blob_id = ? ORDER BY p.start
                    """), arguments: [blobID])
        var extents: [BlobExtent] = []
        var position: Int64 = 0
        for row in rows {
            let start: Int64 = row[0]
            if start > position { extents.append(.zeros(start - position)) }
            extents.append(BlobExtent(blockID: nil, length: row[1], inline: row[3], file: row[4], offset: row[2]))
            position = start + (row[1] as Int64)
        }
        if length > position { extents.append(.zeros(length - position)) }
        return extents
    }

    /// Writes `range` from `chunk` (from its start), or clears it when `chunk` is nil, in the caller's transaction.
    static func write(
        _ db: Database, blobID: Int64, range: Range<Int64>, chunk: Int64?, orphans: inout OrphanCollector
    ) throws {
        let overlapping = try runs(db, blobID: blobID, overlapping: range)
        for run in overlapping {
            orphans.candidates.insert(run.chunkID)
            try db.executeCached(
                sql: "DELETE FROM blob_pages WHERE blob_id = ? AND start = ?", arguments: [blobID, run.start])
        }
        var added = PageMap.remainders(of: overlapping, outside: range)
        if let chunk {
            added.append(PageRun(start: range.lowerBound, length: range.upperBound - range.lowerBound, chunkID: chunk, chunkOffset: 0))
        }
        try insert(db, blobID: blobID, added)
    }

    /// Drops every page at or past `length` (a page blob made smaller).
    static func truncate(_ db: Database, blobID: Int64, to length: Int64, orphans: inout OrphanCollector) throws {
        try write(db, blobID: blobID, range: length..<Int64.max, chunk: nil, orphans: &orphans)
    }

    /// Drops all of a blob's pages (the blob is deleted or replaced), marking their chunks.
    static func dropPages(_ db: Database, blobID: Int64, orphans: inout OrphanCollector) throws {
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT chunk_id FROM blob_pages WHERE blob_id = ?"), arguments: [blobID])
        {
            orphans.candidates.insert(row[0])
        }
        try db.executeCached(sql: "DELETE FROM blob_pages WHERE blob_id = ?", arguments: [blobID])
    }

    /// Gives `destination` the pages of `source` (a snapshot or a copy): rows copied, chunks shared.
    static func copyPages(_ db: Database, from source: Int64, to destination: Int64) throws {
        try db.executeCached(
            sql: """
                INSERT INTO blob_pages (blob_id, start, length, chunk_id, chunk_offset)
                SELECT ?, start, length, chunk_id, chunk_offset FROM blob_pages WHERE blob_id = ?
                """, arguments: [destination, source])
    }

    private static func insert(_ db: Database, blobID: Int64, _ runs: [PageRun]) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO blob_pages (blob_id, start, length, chunk_id, chunk_offset) VALUES (?, ?, ?, ?, ?)")
        for run in runs {
            try statement.execute(arguments: [blobID, run.start, run.length, run.chunkID, run.chunkOffset])
        }
    }
}
