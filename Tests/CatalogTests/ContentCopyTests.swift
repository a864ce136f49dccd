import Catalog
import Foundation
import GRDB
import Imaging
import Logging
import Synchronization
import Testing

@testable import Ingest

/// Two paths holding the same bytes, ingested at once: the second waits for the first's claim on the content,
/// and the first's record may still wait in its thread's batch (`RecordBatch`) when the second's is written.
/// Each path must end linked to the one asset, with its own reference row (what a purge looks for) and one
/// master for the content. A copy written without its asset was a data-safety fault: no reference, so another
/// device's purge could not see it, and a cloud row without its content's description.
@Suite("Content copies")
struct ContentCopyTests {
    let scratch: ScratchCatalog

    init() throws {
        scratch = try ScratchCatalog()
    }

    /// A folder holding `a` and `b` with the same bytes, a tiny PNG (with previews in the cloud the content waits
    /// for its description) or a note (recorded at once; an image decoded here is recorded before its claim is
    /// released); returns its library and walked files by name.
    private func twoCopies(image: Bool) throws -> (LibraryRecord, [String: WalkedFile]) {
        let root = try scratch.makeFolder("Copies")
        let bytes = image ? try SyntheticImage(width: 16, height: 12, seed: 7).encode(format: "PNG") : Array("a note".utf8)
        for name in ["a", "b"] {
            #expect(FileManager.default.createFile(atPath: root + "/" + name, contents: Data(bytes)))
        }
        let library = try scratch.catalog.library(root: try LibraryScanner.resolve(root))
        let walk = FolderWalker(root: library.root, includeHidden: false).walk()
        return (library, Dictionary(uniqueKeysWithValues: walk.files.map { ($0.relativePath, $0) }))
    }

    private func ingest(previewsInCloud: Bool) -> FileIngest {
        var configuration = ScanConfiguration()
        configuration.previewsInCloud = previewsInCloud
        return LibraryScanner(
            catalog: scratch.catalog, previews: scratch.previews, configuration: configuration,
            logger: Logger(label: "test.copies")
        ).ingest
    }

    private func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try scratch.catalog.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    /// The copy waits for the claim, the claim is released with nothing recorded yet (its owner's record still in a
    /// batch), and the copy's record is written first.
    @Test(arguments: [false, true])
    func aCopyWrittenBeforeItsContentIsLinked(previewsInCloud: Bool) throws {
        let (library, files) = try twoCopies(image: previewsInCloud)
        let ingest = ingest(previewsInCloud: previewsInCloud)
        let sha = try ContentHasher.digest(ofFileAt: files["b"]!.absolutePath, keepBytes: false).0.sha256
        #expect(ingest.claims.claim(sha))  // the first copy's ingest holds the content
        let deferred = Mutex<IngestRecord?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            _ = ingest.run(IngestJob(library: library, entry: files["b"]!)) { record in
                deferred.withLock { $0 = record }
            }
            done.signal()
        }.start()
        while ingest.claims.waiting(for: sha) == 0 { Thread.sleep(forTimeInterval: 0.001) }
        ingest.claims.release(sha)  // its record went to its batch, not written yet
        done.wait()
        let copy = try #require(deferred.withLock { $0 })
        try scratch.catalog.recordAll([copy])  // the copy's batch is written first

        let linked = try count("SELECT count(*) FROM files WHERE path = 'b' AND asset_id IS NOT NULL")
        #expect(linked == 1)
        #expect(try count("SELECT count(*) FROM outbox WHERE kind = 'reference' AND target = ?", [sha]) == 1)
        #expect(try count("SELECT count(*) FROM outbox WHERE kind = 'master' AND target = ?", [sha]) == 1)
        if previewsInCloud {
            #expect(try scratch.catalog.awaitingCloudDescriptionCount() == 1)
        }

        // The first copy's record, written after: linked to the same asset, no second master.
        _ = ingest.run(IngestJob(library: library, entry: files["a"]!)) { record in
            _ = try? scratch.catalog.recordAll([record])
        }
        #expect(try count("SELECT count(*) FROM assets") == 1)
        #expect(try count("SELECT count(*) FROM files WHERE asset_id IS NULL") == 0)
        #expect(try count("SELECT count(*) FROM outbox WHERE kind = 'reference' AND target = ?", [sha]) == 2)
        #expect(try count("SELECT count(*) FROM outbox WHERE kind = 'master' AND target = ?", [sha]) == 1)
    }

    /// A catalog an earlier version left with a copy that has no asset: the next scan ingests that path again,
    /// links it and queues its reference and a fresh cloud row.
    @Test func aScanLinksACopyLeftWithoutItsAsset() throws {
        let (library, _) = try twoCopies(image: true)
        let scanner = LibraryScanner(
            catalog: scratch.catalog, previews: scratch.previews, configuration: ScanConfiguration(),
            logger: Logger(label: "test.copies"))
        _ = try scanner.scan(roots: [library.root])
        // What such a copy looks like: no asset, no reference (whichever path's ingest queued the master).
        let before = try scratch.catalog.write { db in
            try db.execute(sql: "UPDATE files SET asset_id = NULL WHERE path = 'b'")
            try db.execute(
                sql: "DELETE FROM outbox WHERE kind = 'reference' AND file_id = (SELECT id FROM files WHERE path = 'b')")
            return try Int64.fetchOne(db, sql: "SELECT max(id) FROM outbox") ?? 0
        }

        let summary = try scanner.scan(roots: [library.root])
        #expect(summary.ingested == 1 && summary.unchanged == 1)
        #expect(try count("SELECT count(*) FROM files WHERE asset_id IS NULL") == 0)
        let queued = try scratch.catalog.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT kind FROM outbox WHERE id > ? AND file_id = (SELECT id FROM files WHERE path = 'b')
                    ORDER BY kind
                    """, arguments: [before])
        }
        #expect(queued == ["entity", "reference"])  // the content's master is queued already
        #expect(try count("SELECT count(*) FROM outbox WHERE kind = 'master'") == 1)
    }
}
