import Catalog
import Foundation
import Testing
import Synchronization
import WebGallery

/// The original by catalog id, once the file is gone from this machine: from the cloud when the process can
/// reach it and the master went up, else a 404 that says so.
@Suite("Gallery originals")
struct GalleryOriginalTests {
    /// Gone locally: `path` no longer holds the file, and the catalog marked it missing.
    static func vanish(_ bed: GalleryBed, _ path: String) throws {
        try FileManager.default.removeItem(atPath: bed.photos + "/" + path)
        try bed.catalog.markMissing(libraryId: try bed.catalog.libraries()[0].id!, paths: [path])
    }

    /// The cloud work, marked done as the sync engine would (a master waits for its reference, so in rounds).
    static func uploadMasters(_ bed: GalleryBed) throws {
        let outbox = Outbox(catalog: bed.catalog)
        for _ in 0..<5 {
            for row in try outbox.due(limit: 1000, excluding: []) { try outbox.done(row) }
        }
    }

    @Test func goneLocallyComesFromTheCloud() async throws {
        let fetched = CloudFetches()
        let cloud = CloudOriginals(folder: NSTemporaryDirectory() + "gallery-cloud-\(UUID().uuidString)") { sha, path in
            fetched.add(sha)
            try Data("from the cloud: \(sha.prefix(4))".utf8).write(to: URL(fileURLWithPath: path))
        }
        try await GalleryBed.with(cloud: cloud) { bed in
            let id = try bed.fileId("2021/cat.jpg")
            try Self.vanish(bed, "2021/cat.jpg")
            // Not uploaded yet: nothing to give.
            #expect(try await bed.request("/api/v1/items/\(id)/original").status == 404)
            try Self.uploadMasters(bed)
            let original = try await bed.request("/api/v1/items/\(id)/original")
            #expect(original.status == 200 && original.text == "from the cloud: 0404")
            #expect(fetched.all == [GalleryBed.sha(4)])
            #expect(try await bed.request("/item/\(id)").text.contains("Download from the cloud"))
        }
    }

    @Test func withoutTheCloudAGoneFileIsNotFound() async throws {
        try await GalleryBed.with { bed in
            let id = try bed.fileId("2021/cat.jpg")
            try Self.vanish(bed, "2021/cat.jpg")
            try Self.uploadMasters(bed)
            #expect(try await bed.request("/api/v1/items/\(id)/original").status == 404)
        }
    }
}

/// What the fake cloud was asked for.
final class CloudFetches: Sendable {
    private let fetched = Mutex<[String]>([])
    func add(_ sha: String) { fetched.withLock { $0.append(sha) } }
    var all: [String] { fetched.withLock { $0 } }
}
