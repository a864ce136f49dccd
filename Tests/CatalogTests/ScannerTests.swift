import Catalog
import Ingest
import Foundation
import Imaging
import Logging
import Testing

/// `scan` end to end on a folder of images made at test time, with the corpus's bad inputs.
@Suite("Scanner")
struct ScannerTests {
    let scratch: ScratchCatalog
    let photos: String

    init() throws {
        scratch = try ScratchCatalog()
        photos = scratch.folder + "/Photos"
        try FileManager.default.createDirectory(atPath: photos + "/2024/trip", withIntermediateDirectories: true)
        func write(_ name: String, _ bytes: [UInt8]) {
            #expect(FileManager.default.createFile(atPath: photos + "/" + name, contents: Data(bytes)))
        }
        for i in 1...4 {
            var image = SyntheticImage(width: 240, height: 160, seed: UInt32(i))
            var exif = ExifBlob()
            exif.make = "FUJIFILM"
            exif.model = "X-T\(i)"
            exif.dateTimeOriginal = "2024:06:0\(i) 10:00:00"
            if i % 2 == 1 { (exif.latitude, exif.longitude) = (45.5, 9.2) }
            image.exif = exif
            image.orientation = i
            write("2024/trip/img_\(i).jpg", try image.encode(format: "JPEG"))
        }
        let first = try SyntheticImage(width: 240, height: 160, seed: 1).encode(format: "JPEG")
        write(
            "2024/copy of img_1.jpg",
            try Data(contentsOf: URL(fileURLWithPath: photos + "/2024/trip/img_1.jpg")).map { $0 })
        write("truncated.jpg", Array(first.prefix(first.count / 2)))
        write("empty.jpg", [])
        write("text.jpg", Array("This is not a JPEG, just text.\n".utf8))
        write("notes.txt", Array("shopping list".utf8))
        write(
            "name with spaces\nand a newline.png",
            try SyntheticImage(width: 90, height: 60, seed: 9).encode(format: "PNG"))
        write(".hidden.jpg", first)
    }

    private func scanner(workers: Int = 2) -> LibraryScanner {
        var configuration = ScanConfiguration()
        configuration.workers = workers
        return LibraryScanner(
            catalog: scratch.catalog, previews: scratch.previews, configuration: configuration,
            logger: Logger(label: "test.scan"))
    }

    @Test func firstScanRecordsEverythingAndWhyThingsFailed() throws {
        let summary = try scanner().scan(roots: [photos])
        #expect(summary.filesSeen == 10)  // the dot-file is skipped
        #expect(summary.ingested == 10)
        #expect(summary.newAssets == 9)  // the copy is known content
        #expect(summary.knownContent == 1)
        let codes = Dictionary(grouping: summary.failures, by: \.code).mapValues(\.count)
        #expect(codes == ["damaged": 1, "unreadableInput": 2], "\(summary.failures)")
        let empty = try #require(summary.failures.first { $0.path.hasSuffix("empty.jpg") })
        #expect(empty.message.contains("empty"))

        let catalog = scratch.catalog
        #expect(try catalog.counts().files == 10)
        #expect(try catalog.counts().errors == 3)
        // Previews exist on disk for every rendition of every decodable image (4 + png + truncated).
        let renditions = try catalog.read { db in try RenditionRecord.fetchAll(db) }
        #expect(renditions.count == 6 * RenditionSpec.seedSet.count)
        for rendition in renditions {
            #expect(FileManager.default.fileExists(atPath: scratch.previews.root + "/" + rendition.path))
        }
        // Generic files are cataloged too (backed up, no previews).
        let notes = try catalog.detail(for: photos + "/notes.txt")
        #expect(notes.asset?.kind == .other)
        #expect(notes.renditions.isEmpty && notes.errors.isEmpty)
        // Facets work on scanned data.
        #expect(try catalog.search(SearchQuery("camera:x-t3")).count == 1)
        #expect(try catalog.search(SearchQuery("has:gps")).count == 3)  // img_1, img_3 and the copy of img_1
        #expect(try catalog.search(SearchQuery("taken:2024-06-02")).map(\.path) == ["2024/trip/img_2.jpg"])
        #expect(try catalog.search(SearchQuery("is:damaged")).map(\.path) == ["truncated.jpg"])
        #expect(try catalog.search(SearchQuery("dup:exact")).count == 2)
        #expect(try catalog.search(SearchQuery("trip")).count == 4)
        let shown = try catalog.detail(for: photos + "/2024/trip/img_4.jpg")
        #expect(shown.asset?.orientation == 4)
        #expect(shown.asset?.perceptualHash != nil)
        #expect(shown.asset?.md5.count == 32)
    }

    @Test func rescansSkipUnchangedFilesAndFollowChanges() throws {
        _ = try scanner().scan(roots: [photos])
        let again = try scanner().scan(roots: [photos])
        #expect(again.unchanged == 10)
        #expect(again.ingested == 0)

        // A rename is known content (no new asset); a removed file becomes missing.
        try FileManager.default.moveItem(atPath: photos + "/2024/trip/img_2.jpg", toPath: photos + "/img_2-renamed.jpg")
        try FileManager.default.removeItem(atPath: photos + "/notes.txt")
        let third = try scanner(workers: 1).scan(roots: [photos])
        #expect(third.ingested == 1)
        #expect(third.knownContent == 1)
        #expect(third.newAssets == 0)
        #expect(third.missing == 2)  // the old name of img_2 and notes.txt
        let renamed = try scratch.catalog.detail(for: photos + "/img_2-renamed.jpg")
        #expect(renamed.files.map(\.state.rawValue).sorted() == ["missing", "present"])
    }

    @Test func progressIsReportedForEveryFile() throws {
        let seen = ProgressLog()
        _ = try scanner().scan(roots: [photos]) { seen.append($0) }
        #expect(seen.values.count == 10)
        #expect(seen.values.map(\.filesDone).sorted() == Array(1...10))
        #expect(seen.values.allSatisfy { $0.filesTotal == 10 && $0.bytesDone <= $0.bytesTotal })
    }

    /// Small files are written many to a transaction (`RecordBatch`): the summary still counts each content once
    /// as new, even when its copies were in flight on both workers at once, and each content gets one master row.
    @Test func smallFilesWrittenInBatchesCountEachContentOnce() throws {
        let folder = scratch.folder + "/Notes"
        for index in 0..<90 {
            try FileManager.default.createDirectory(atPath: folder + "/d\(index % 3)", withIntermediateDirectories: true)
            // 30 contents, three paths each, spread so that copies land in different batches and workers.
            #expect(FileManager.default.createFile(
                atPath: folder + "/d\(index % 3)/n\(index).txt", contents: Data("note \(index / 3)\n".utf8)))
        }
        let summary = try scanner().scan(roots: [folder])
        #expect(summary.ingested == 90)
        #expect(summary.newAssets == 30)
        #expect(summary.knownContent == 60)
        #expect(try scratch.catalog.counts().files == 90)
        let masters = try scratch.catalog.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE kind = 'master'") ?? 0
        }
        #expect(masters == 30)
        // Every path linked to its content, with its reference (what a purge looks for).
        let (unlinked, references) = try scratch.catalog.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM files WHERE asset_id IS NULL") ?? -1,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE kind = 'reference'") ?? 0
            )
        }
        #expect(unlinked == 0)
        #expect(references == 90)
    }

    @Test func notAFolderIsAnError() throws {
        let error = try #require(throws: CatalogError.self) { try scanner().scan(roots: [photos + "/notes.txt"]) }
        #expect(error.code == .io)
    }
}

final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [JobProgress] = []
    func append(_ progress: JobProgress) { lock.withLock { stored.append(progress) } }
    var values: [JobProgress] { lock.withLock { stored } }
}
