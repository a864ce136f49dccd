import Foundation
import GRDB
import NIOCore

/// The Blob service's only access to SQLite and to the chunk files.
///
/// Every mutation runs in one write transaction together with the checks that guard it
/// (conditions, leases), so a check and the write it allows can never interleave with
/// another request. Chunks that a mutation stops referencing are deleted in the same
/// transaction; their files are unlinked after a grace period, so a download that has just
/// read the old block list can still open them.
struct BlobStore: Sendable {
    let store: EmulatorStore
    var database: any DatabaseWriter { store.database }
    var chunks: ChunkStorage { store.chunks }

    /// Runs a write transaction; chunks the body marked as possibly unreferenced are collected after it.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database, inout OrphanCollector) throws -> T) async throws -> T {
        let (value, files) = try await database.write { db -> (T, [String]) in
            var collector = OrphanCollector()
            let value = try body(db, &collector)
            return (value, try collector.deleteUnreferenced(db))
        }
        scheduleUnlink(files)
        return value
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await database.read(body)
    }

    /// A read of a few rows by their keys (one blob's record, extents and annex), run on the calling thread: GRDB's
    /// asynchronous read hops to a dispatch queue and back, two thread switches that were a fifth of a 1 KiB GET's
    /// CPU, for a read of microseconds. A WAL reader never waits for the writer, so this never blocks on a write.
    /// Not for reads that walk many rows (listings, tag queries): those keep `read`, off Swift's few threads.
    func lookup<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try readOnCallingThread(body)
    }

    /// One snapshot for the lookup's statements (the blob row and its extents must agree), opened and closed with
    /// statements kept prepared: GRDB's `read` prepares its BEGIN and COMMIT anew every time (3 % of a small GET).
    private func readOnCallingThread<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) throws -> T {
        try database.unsafeRead { db in
            try db.executeCached(sql: "BEGIN DEFERRED TRANSACTION")
            let result: T
            do {
                result = try body(db)
            } catch {
                try? db.executeCached(sql: "ROLLBACK TRANSACTION")  // SQLite may have ended it already
                throw error
            }
            // A read's COMMIT that failed would leave the pooled connection inside this snapshot: said, not ignored.
            try db.executeCached(sql: "COMMIT TRANSACTION")
            return result
        }
    }

    private func scheduleUnlink(_ files: [String]) {
        guard !files.isEmpty else { return }
        let chunks = self.chunks
        let grace = store.unlinkGracePeriod
        guard grace > .zero else {
            chunks.remove(files: files)
            return
        }
        Task.detached {
            try? await Task.sleep(for: grace)
            chunks.remove(files: files)
        }
    }

    /// Stores a received body as a chunk row and returns its id.
    static func insertChunk(_ db: Database, _ staged: ChunkStorage.Staged) throws -> Int64 {
        let inline: Data? = staged.inline.map { Data($0.readableBytesView) }
        try db.executeCached(
            sql: "INSERT INTO chunks (length, inline, file) VALUES (?, ?, ?)",
            arguments: [staged.length, inline, staged.file])
        return db.lastInsertedRowID
    }

    /// The content of a blob as extents, in order: its blocks, or a page blob's pages with the gaps as zeros.
    static func extents(_ db: Database, of blob: BlobRecord) throws -> [BlobExtent] {
        if blob.blobType == PageStore.blobType { return try PageStore.extents(db, blobID: blob.id!, length: blob.contentLength) }
        return try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT b.block_id, b.length, c.inline, c.file FROM blob_blocks b JOIN chunks c ON c.id = b.chunk_id
                    WHERE b.blob_id = ? ORDER BY b.ordinal
                    """), arguments: [blob.id!]
        ).map { BlobExtent(blockID: $0[0], length: $0[1], inline: $0[2], file: $0[3]) }
    }

    /// Replaces a blob's committed block list (and drops a page blob's pages), marking the chunks it no longer uses.
    static func setBlocks(
        _ db: Database, blobID: Int64, blocks: [(blockID: String?, chunkID: Int64, length: Int64)],
        orphans: inout OrphanCollector
    ) throws {
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT chunk_id FROM blob_blocks WHERE blob_id = ?"), arguments: [blobID])
        {
            orphans.candidates.insert(row[0])
        }
        try db.executeCached(sql: "DELETE FROM blob_blocks WHERE blob_id = ?", arguments: [blobID])
        try PageStore.dropPages(db, blobID: blobID, orphans: &orphans)
        let statement = try db.cachedStatement(
            sql: "INSERT INTO blob_blocks (blob_id, ordinal, block_id, chunk_id, length) VALUES (?, ?, ?, ?, ?)")
        for (ordinal, block) in blocks.enumerated() {
            try statement.execute(arguments: [blobID, ordinal, block.blockID, block.chunkID, block.length])
        }
    }

    /// Deletes a blob row (its block and page rows cascade), marking its chunks.
    static func deleteBlobRow(_ db: Database, id: Int64, orphans: inout OrphanCollector) throws {
        for row in try Row.fetchAll(
            db.cachedStatement(sql: "SELECT chunk_id FROM blob_blocks WHERE blob_id = ?"), arguments: [id])
        {
            orphans.candidates.insert(row[0])
        }
        try PageStore.dropPages(db, blobID: id, orphans: &orphans)
        try db.executeCached(sql: "DELETE FROM blobs WHERE id = ?", arguments: [id])
    }

    /// Drops the uncommitted blocks staged for a blob name, marking their chunks.
    static func dropStagedBlocks(
        _ db: Database, account: String, container: String, blob: String, orphans: inout OrphanCollector
    ) throws {
        for row in try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT chunk_id FROM staged_blocks WHERE account = ? AND container = ? AND blob = ?"),
            arguments: [account, container, blob])
        {
            orphans.candidates.insert(row[0])
        }
        try db.executeCached(
            sql: "DELETE FROM staged_blocks WHERE account = ? AND container = ? AND blob = ?",
            arguments: [account, container, blob])
    }

    /// Deletes data files older than `date` that no chunk row names: leftovers of a crash mid-upload.
    func sweepUnreferencedFiles(olderThan date: Date) async throws -> Int {
        let referenced = try await read { db in
            Set(try String.fetchAll(db.cachedStatement(sql: "SELECT file FROM chunks WHERE file IS NOT NULL")))
        }
        let chunks = self.chunks
        return chunks.sweep { name in
            if referenced.contains(name) { return true }
            var info = stat()
            guard stat(chunks.path(of: name), &info) == 0 else { return true }
            return Double(info.st_mtim.tv_sec) >= date.timeIntervalSince1970 - 1
        }
    }
}

/// Chunks a transaction may have stopped using; resolved to unreferenced ones before it commits.
struct OrphanCollector {
    var candidates: Set<Int64> = []

    /// Deletes the candidate chunks no committed or staged block references; returns their files.
    mutating func deleteUnreferenced(_ db: Database) throws -> [String] {
        guard !candidates.isEmpty else { return [] }
        var files: [String] = []
        for id in candidates {
            let used = try Bool.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT EXISTS (SELECT 1 FROM blob_blocks WHERE chunk_id = ?1)
                                OR EXISTS (SELECT 1 FROM staged_blocks WHERE chunk_id = ?1)
                                OR EXISTS (SELECT 1 FROM blob_pages WHERE chunk_id = ?1)
                            """), arguments: [id]) ?? true
            guard !used else { continue }
            if let file = try String.fetchOne(
                db.cachedStatement(sql: "SELECT file FROM chunks WHERE id = ?"), arguments: [id])
            {
                files.append(file)
            }
            try db.executeCached(sql: "DELETE FROM chunks WHERE id = ?", arguments: [id])
        }
        candidates = []
        return files
    }
}
