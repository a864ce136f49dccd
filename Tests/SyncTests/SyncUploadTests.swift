import AzureStorage
import Catalog
import Foundation
import Sync
import Testing

/// A small corpus (nested folders, a duplicate, a unicode name, a non-image, an image that yields
/// no previews) ingested through the catalog and drained into the emulator, checked with the client.
@Suite("Sync uploads")
struct SyncUploadTests {
    static func corpus(_ bed: SyncBed) throws {
        try bed.write("2024/trip/a.jpg", try SyncBed.jpeg(1))
        try bed.write("2024/trip/b.jpg", try SyncBed.jpeg(2))
        try bed.write("2024/été/çà #1?.jpg", try SyncBed.jpeg(3))
        try bed.write("2024/copy of a.jpg", try SyncBed.jpeg(1))  // duplicate content
        try bed.write("notes.txt", Array("not a photo".utf8))
        let whole = try SyncBed.jpeg(4)
        try bed.write("broken.jpg", Array(whole.prefix(40)))  // looks like a JPEG, decodes to nothing
    }

    @Test func mastersRenditionsAndRowsMatchTheCatalog() async throws {
        try await SyncBed.with { bed in
            try Self.corpus(bed)
            try bed.scan()
            #expect(try bed.outboxCount(.master) == 5)  // six files, five contents
            let report = try await bed.engine().drain()
            #expect(report.depth == 0)
            #expect(report.parked.isEmpty, "\(report.parked)")
            #expect(report.lastSuccess != nil)

            let paths = ["2024/trip/a.jpg", "2024/trip/b.jpg", "2024/été/çà #1?.jpg", "notes.txt", "broken.jpg"]
            for path in paths {
                let asset = try bed.asset(path)
                let blob = try #require(
                    try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: asset.sha256))
                #expect(blob.contentLength == asset.size)
                #expect(blob.contentMD5 == hexBytes(asset.md5))
                #expect(blob.accessTier == .cold)
                #expect(blob.metadata["sha256"] == asset.sha256)
            }
            let unicode = try bed.asset("2024/été/çà #1?.jpg")
            let master = try await bed.storage.blobs.properties(container: "file-store", name: unicode.sha256)
            #expect(master.metadata["path"] == "2024/%C3%A9t%C3%A9/%C3%A7%C3%A0%20#1?.jpg")
            #expect(master.metadata["library"] == bed.library)

            // Renditions of every image that had them, none for the others.
            let renditions = try await bed.storage.blobs.allBlobs(container: "pv-store").map(\.name)
            // Byte-identical renditions are one blob (a 160×120 photo's untouched size is six of its ten).
            #expect(renditions.count == (try bed.renditionBlobs()))
            #expect(renditions.count < (try bed.catalog.counts().renditions))
            #expect(renditions.contains("\(unicode.sha256)/sq100.jpg"))
            #expect(renditions.contains("\(unicode.sha256)/hd.jpg") && !renditions.contains("\(unicode.sha256)/1600.jpg"))
            let preview = try await bed.storage.blobs.properties(container: "pv-store", name: "\(unicode.sha256)/hd.jpg")
            #expect(preview.accessTier == .cool)  // previews are read locally; Cool by default
            #expect(!renditions.contains { $0.hasPrefix(try! bed.asset("broken.jpg").sha256) })

            // One files entity per path, keys encoded, facts from the catalog.
            let files = try await bed.storage.tables.queryAll("files")
            #expect(files.count == 6)
            let row = try #require(files.first { $0.rowKey == "2024%2Fété%2Fçà %231%3F.jpg" })
            #expect(row.partitionKey == bed.filesPartition && row.partitionKey == "bed-device%2F\(bed.library)")
            #expect(row["device"] == .string("bed-device") && row["library"] == .string(bed.library))
            #expect(row["sha256"] == .string(unicode.sha256))
            #expect(row["size"] == .int64(unicode.size))
            #expect(row["deleted"] == .bool(false))
            #expect(row["width"] == .int32(160))
            #expect(row["renditions"].map { if case .string(let s) = $0 { s.contains("sq100") } else { false } } == true)

            // Folders: the tree without listing files.
            let folders = try await bed.storage.tables.queryAll("folders")
            let tree = Set(folders.map { "\($0.partitionKey)|\($0.rowKey)" })
            let (root, year) = (bed.device.prefix + bed.library, bed.device.prefix + bed.library + "%2F2024")
            #expect(tree == ["\(root)|2024", "\(year)|trip", "\(year)|été"])

            // One history row per path (each has one version so far).
            #expect(try await bed.storage.tables.queryAll("history").count == 6)

            // The image without renditions is announced to the extract workers, and nothing else is.
            let messages = try await bed.storage.queues.peek(queue: "extract-queue", count: 32)
            #expect(messages.count == 1)
            let broken = try bed.asset("broken.jpg")
            let message = try JSONDecoder().decode(ExtractMessage.self, from: Data(try #require(messages.first).text.utf8))
            #expect(message.sha256 == broken.sha256)
            #expect(message.container == "file-store")
        }
    }

    @Test func aDuplicateAndARenameUploadNoMaster() async throws {
        try await SyncBed.with { bed in
            try Self.corpus(bed)
            try bed.scan()
            try await bed.engine().drain()
            let masters = try bed.outboxCount(.master)
            let sha = try bed.asset("2024/trip/b.jpg").sha256
            let before = try await bed.storage.blobs.properties(container: "file-store", name: sha)

            try FileManager.default.moveItem(atPath: bed.photos + "/2024/trip", toPath: bed.photos + "/2024/voyage")
            try bed.write("elsewhere/b again.jpg", try SyncBed.jpeg(2))
            try bed.scan()
            #expect(try bed.outboxCount(.master) == masters)
            #expect(try bed.outboxCount(.rendition) == (try bed.renditionBlobs()))
            let report = try await bed.engine().drain()
            #expect(report.depth == 0 && report.parked.isEmpty, "\(report)")

            let after = try await bed.storage.blobs.properties(container: "file-store", name: sha)
            #expect(after.etag == before.etag)  // never written again
            let files = try await bed.storage.tables.queryAll("files")
            let byKey = Dictionary(uniqueKeysWithValues: files.map { ($0.rowKey, $0) })
            #expect(byKey["2024%2Fvoyage%2Fb.jpg"]?["deleted"] == .bool(false))
            #expect(byKey["elsewhere%2Fb again.jpg"]?["sha256"] == .string(sha))
            #expect(byKey["2024%2Ftrip%2Fb.jpg"]?["deleted"] == .bool(true))  // keep: marked, not removed
            let folders = try await bed.storage.tables.queryAll("folders").map(\.rowKey)
            #expect(folders.contains("voyage") && folders.contains("elsewhere"))
        }
    }

    @Test func aModifiedFileIsANewVersionWithHistory() async throws {
        try await SyncBed.with { bed in
            try bed.write("pics/x.jpg", try SyncBed.jpeg(10))
            try bed.scan()
            try await bed.engine().drain()
            let first = try bed.asset("pics/x.jpg").sha256
            try bed.write("pics/x.jpg", try SyncBed.jpeg(11))
            try bed.scan()
            let report = try await bed.engine().drain()
            #expect(report.depth == 0 && report.parked.isEmpty, "\(report)")
            let second = try bed.asset("pics/x.jpg").sha256
            #expect(first != second)

            let partition = bed.device.historyPartition(library: bed.library, path: "pics/x.jpg")
            let versions = try await bed.storage.tables.queryAll("history", filter: "PartitionKey eq '\(partition)'")
            #expect(versions.map { $0["sha256"] } == [.string(second), .string(first)])  // newest first
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: first) != nil)
            #expect(try await bed.storage.blobs.propertiesIfExists(container: "file-store", name: second) != nil)
            let entity = try #require(
                try await bed.storage.tables.get(partitionKey: bed.filesPartition, rowKey: "pics%2Fx.jpg", from: "files"))
            #expect(entity["sha256"] == .string(second))
        }
    }
}
