import AzureStorage
import Catalog
import Foundation
import Logging
import StorageEmulator
import Sync
import Testing
import WebGallery

/// The previews the pages ask for (`200`, `400`, `hd`) answered from what a content has: the lean profile's
/// `250` and `1440`, and previews made in the cloud that are not in the previews folder yet.
@Suite("Gallery previews")
struct GalleryPreviewTests {
    static let lean: [(name: String, width: Int, height: Int)] = [("1440", 1440, 1080), ("250", 250, 188)]

    @Test func aLeanLibraryShowsThumbnailsAndADetailImage() async throws {
        try await GalleryBed.with { bed in
            try bed.add("2022/lean.jpg", seed: 7, renditions: Self.lean, writePreviews: true)
            let sha = GalleryBed.sha(7)
            // The nearest at or above what the use needs, else the largest.
            #expect(try await bed.request("/previews/\(sha)/200").text == "250 of 7")
            #expect(try await bed.request("/previews/\(sha)/100").text == "250 of 7")
            #expect(try await bed.request("/previews/\(sha)/sq100").text == "250 of 7")
            #expect(try await bed.request("/previews/\(sha)/400").text == "1440 of 7")
            #expect(try await bed.request("/previews/\(sha)/hd").text == "1440 of 7")
            // The default profile's names still answer with themselves.
            #expect(try await bed.request("/previews/\(GalleryBed.sha(1))/200").text == "jpeg of 1")
            // The pages ask by use: a tile for 200/400, the detail page for hd.
            let item = try await bed.request("/item/\(try bed.fileId("2022/lean.jpg"))")
            #expect(item.text.contains("src=\"/previews/\(sha)/hd\""))
            #expect(try await bed.request("/").text.contains("src=\"/previews/\(sha)/200\""))
        }
    }

    @Test func previewsOnlyInTheCloudComeThroughSyncsCache() async throws {
        var configuration = EmulatorConfiguration.ephemeral()
        configuration.services = [.blob]
        let emulator = try await RunningEmulator.start(configuration: configuration, logger: Self.quiet)
        let storage: StorageClient
        do {
            storage = try StorageClient(connectionString: emulator.connectionString, logger: Self.quiet)
        } catch {
            await emulator.shutdown()
            throw error
        }
        do {
            try await Self.previewsOnlyInTheCloud(storage)
            await storage.shutdown()
            await emulator.shutdown()
        } catch {
            await storage.shutdown()
            await emulator.shutdown()
            throw error
        }
    }

    /// As `ironviper worker` leaves them: the renditions in `pv-store` under the content's hash, the catalog's
    /// rows learned from the `files` row, nothing in the previews folder.
    static func previewsOnlyInTheCloud(_ storage: StorageClient) async throws {
        let sha = GalleryBed.sha(8)
        _ = try await storage.blobs.createContainer(CloudKeys.previewContainer)
        for rendition in lean {
            try await storage.blobs.putBlob(
                container: CloudKeys.previewContainer, name: CloudKeys.renditionBlob(sha256: sha, name: rendition.name),
                bytes: Array(GalleryBed.renditionBytes(rendition.name, seed: 8)))
        }
        let fetches = CloudFetches()
        try await GalleryBed.with(cloudPreviews: { previews in
            CloudPreviews { renditions, sha256 in
                fetches.add(renditions.map(\.name).joined(separator: ","))
                try await PreviewCache(storage: storage, root: previews).fetch(renditions, sha256: sha256)
            }
        }) { bed in
            try bed.add("2022/cloud.jpg", seed: 8, renditions: lean, writePreviews: false)
            let local = bed.previews + "/\(sha.prefix(2))/\(sha)/250.jpg"
            #expect(!FileManager.default.fileExists(atPath: local))
            let tile = try await bed.request("/previews/\(sha)/200")
            #expect(tile.status == 200 && tile.text == "250 of 8")
            #expect(FileManager.default.fileExists(atPath: local))  // downloaded into the previews folder
            let detail = try await bed.request("/previews/\(sha)/hd")
            #expect(detail.status == 200 && detail.text == "1440 of 8")
            // Each rendition came down once: the second tile is served from the folder (or memory).
            #expect(try await bed.request("/previews/\(sha)/200").text == "250 of 8")
            #expect(fetches.all == ["250", "1440"])
            // A rendition the cloud does not have either is a 404, not an error page.
            try bed.add("2022/nowhere.jpg", seed: 9, renditions: [("200", 200, 150)], writePreviews: false)
            #expect(try await bed.request("/previews/\(GalleryBed.sha(9))/200").status == 404)
        }
    }

    static var quiet: Logger {
        var logger = Logger(label: "gallery-preview-tests")
        logger.logLevel = .critical
        return logger
    }
}
