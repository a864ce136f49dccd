import Catalog
import Ingest
import Foundation
import GRDB
import Imaging
import Logging
import Synchronization
import Testing

/// A new photo's master is queued before its previews are made (the original is what must reach the
/// cloud first), and a description a crash cut short is finished by the next scan.
@Suite("Describe")
struct DescribeTests {
    let scratch: ScratchCatalog
    let photos: String

    init() throws {
        scratch = try ScratchCatalog()
        photos = scratch.folder + "/Photos"
        try FileManager.default.createDirectory(atPath: photos, withIntermediateDirectories: true)
        let jpeg = try SyntheticImage(width: 640, height: 480, seed: 5).encode(format: "JPEG")
        #expect(FileManager.default.createFile(atPath: photos + "/photo.jpg", contents: Data(jpeg)))
    }

    private var scanner: LibraryScanner {
        LibraryScanner(catalog: scratch.catalog, previews: scratch.previews, logger: Logger(label: "test.describe"))
    }

    private func outboxKinds() throws -> [String] {
        try scratch.catalog.read { db in try String.fetchAll(db, sql: "SELECT kind FROM outbox ORDER BY id") }
    }

    @Test func theMasterIsQueuedBeforeThePreviewsAreMade() throws {
        let catalog = scratch.catalog
        let atQueue = Mutex<(kinds: [String], renditions: Int)?>(nil)
        _ = try scanner.scan(roots: [photos], queued: {
            let seen = try? catalog.read { db in
                (
                    try String.fetchAll(db, sql: "SELECT kind FROM outbox ORDER BY id"),
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM renditions") ?? 0
                )
            }
            atQueue.withLock { $0 = seen.map { (kinds: $0.0, renditions: $0.1) } }
        })
        let first = try #require(atQueue.withLock { $0 })
        #expect(first.kinds.contains("master"))
        #expect(!first.kinds.contains("rendition") && !first.kinds.contains("event"))
        #expect(first.renditions == 0)

        // Then described: previews, their uploads, a fresh entity with the metadata, no extract event.
        let kinds = try outboxKinds()
        // One upload per distinct rendition: a 640-px photo's `hd`, `1600` and `800` are its untouched size.
        let shownFirst = try catalog.detail(for: photos + "/photo.jpg")
        let blobs = Set(shownFirst.renditions.map(\.blob))
        #expect(blobs.count < RenditionSpec.seedSet.count && blobs.contains("hd") && !blobs.contains("1600"))
        #expect(kinds.filter { $0 == "rendition" }.count == blobs.count)
        #expect(kinds.filter { $0 == "master" }.count == 1)
        #expect(kinds.filter { $0 == "entity" }.count == 2)
        #expect(!kinds.contains("event"))
        let shown = try catalog.detail(for: photos + "/photo.jpg")
        #expect(shown.asset?.width == 640 && shown.asset?.mime == "image/jpeg")
        #expect(shown.renditions.count == RenditionSpec.seedSet.count)
    }

    @Test func aDescriptionCutShortByACrashIsFinishedByTheNextScan() throws {
        // What a crash between the two transactions leaves: the file and a placeholder asset.
        _ = try scanner.scan(roots: [photos])
        let catalog = scratch.catalog
        try catalog.write { db in
            try db.execute(sql: "DELETE FROM renditions")
            try db.execute(sql: "DELETE FROM outbox WHERE kind IN ('rendition', 'event')")
            try db.execute(sql: "UPDATE assets SET analyzed_at = '', width = NULL, height = NULL")
        }
        #expect(try catalog.undescribed().count == 1)
        let again = try scanner.scan(roots: [photos])
        #expect(again.ingested == 0)  // the file is unchanged: only its description is finished
        #expect(try catalog.undescribed().isEmpty)
        let shown = try catalog.detail(for: photos + "/photo.jpg")
        #expect(shown.asset?.width == 640)
        #expect(shown.renditions.count == RenditionSpec.seedSet.count)
        #expect(try outboxKinds().filter { $0 == "rendition" }.count == Set(shown.renditions.map(\.blob)).count)
    }
}
