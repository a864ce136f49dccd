import Catalog
import Foundation
import Logging
import ServiceLifecycle
import WebGallery

/// A real catalog in a scratch folder (a library with files on disk, renditions in the previews folder) and a
/// `GalleryServer` over it on a free loopback port, read back from the server once bound.
final class GalleryBed: Sendable {
    let folder: String
    let photos: String
    let catalog: Catalog
    let previews: String
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Paths recorded, with the content each holds (two share one: a duplicate) and what it shows.
    static let corpus: [(path: String, seed: Int, taken: String, camera: String?)] = [
        ("2019/rome/sunset 1.jpg", 1, "2019-07-14T20:01:00", "FUJIFILM X-T3"),
        ("2019/rome/sunset 2.jpg", 2, "2019-07-14T20:05:00", "FUJIFILM X-T3"),
        ("2020/beach/dog.jpg", 3, "2020-08-01T10:00:00", "Canon EOS R5"),
        ("2020/beach/copy of dog.jpg", 3, "2020-08-01T10:00:00", "Canon EOS R5"),
        ("2021/cat.jpg", 4, "2021-01-02T09:00:00", nil),
    ]

    static func sha(_ seed: Int) -> String { String(repeating: String(format: "%02x", seed), count: 32) }

    /// Starts a bed; `adjust` changes the gallery's settings (a password, a listen address). `cloudPreviews` is
    /// given the previews folder.
    static func start(
        cloud: CloudOriginals? = nil, cloudPreviews: ((_ previews: String) -> CloudPreviews)? = nil,
        _ adjust: (inout GalleryConfiguration) -> Void = { _ in }
    ) async throws -> GalleryBed {
        let folder = NSTemporaryDirectory() + "gallery-tests-\(UUID().uuidString)"
        let photos = folder + "/photos"
        let previews = folder + "/data/previews"
        let catalog = try Catalog(path: folder + "/data/catalog.sqlite")
        let library = try catalog.library(root: photos)
        for (index, entry) in corpus.enumerated() {
            try record(
                catalog: catalog, libraryId: library.id!, photos: photos, previews: previews, path: entry.path,
                seed: entry.seed, taken: entry.taken, camera: entry.camera, index: index,
                renditions: [("200", 200, 150)], writePreviews: true)
        }
        var configuration = GalleryConfiguration(listen: ListenAddress(host: "127.0.0.1", port: 0), previewsRoot: previews)
        adjust(&configuration)
        let (bound, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "gallery-tests")
        logger.logLevel = .warning
        let server = try GalleryServer(
            configuration: configuration, catalog: catalog, logger: logger, cloud: cloud,
            cloudPreviews: cloudPreviews?(previews),
            onListening: { address in
                continuation.yield(address.port)
                continuation.finish()
            })
        let group = ServiceGroup(configuration: .init(services: [server], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        var port: Int?
        for await value in bound { port = value }
        return GalleryBed(
            folder: folder, photos: photos, catalog: catalog, previews: previews, port: try port.unwrap(), group: group,
            task: task)
    }

    private init(
        folder: String, photos: String, catalog: Catalog, previews: String, port: Int, group: ServiceGroup,
        task: Task<Void, any Error>
    ) {
        (self.folder, self.photos, self.catalog, self.previews, self.port, self.group, self.task) =
            (folder, photos, catalog, previews, port, group, task)
    }

    /// Records a file at `path` holding content `seed` (the bytes `photo SEED`), described with `renditions`
    /// (name, width, height) at `ab/<sha256>/<name>.jpg`, each file holding `NAME of SEED`; `writePreviews`
    /// false leaves them out of the previews folder (made in the cloud, not downloaded yet).
    static func record(
        catalog: Catalog, libraryId: Int64, photos: String, previews: String, path: String, seed: Int, taken: String,
        camera: String?, index: Int, renditions: [(name: String, width: Int, height: Int)], writePreviews: Bool
    ) throws {
        let bytes = Data("photo \(seed)".utf8)
        try FileManager.default.createDirectory(
            atPath: photos + "/" + (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try bytes.write(to: URL(fileURLWithPath: photos + "/" + path))
        let sha = sha(seed)
        var records: [RenditionRecord] = []
        for (name, width, height) in renditions {
            let rendition = "\(sha.prefix(2))/\(sha)/\(name).jpg"
            let content = renditionBytes(name, seed: seed)
            if writePreviews {
                try FileManager.default.createDirectory(
                    atPath: previews + "/" + (rendition as NSString).deletingLastPathComponent,
                    withIntermediateDirectories: true)
                try content.write(to: URL(fileURLWithPath: previews + "/" + rendition))
            }
            records.append(
                RenditionRecord(assetId: 0, name: name, width: width, height: height, bytes: content.count, path: rendition))
        }
        let make = camera?.split(separator: " ").first.map(String.init)
        let asset = AssetRecord(
            id: nil, sha256: sha, md5: String(repeating: "0", count: 32), size: Int64(bytes.count), kind: .jpeg,
            mime: "image/jpeg", width: 400, height: 300, orientation: 1, takenAt: taken, takenOffset: nil,
            cameraMake: make, cameraModel: camera, lens: nil, exposureTime: nil, fNumber: nil, iso: nil,
            focalLength: nil, latitude: seed == 1 ? 41.89 : nil, longitude: seed == 1 ? 12.49 : nil,
            altitude: nil, title: nil, caption: nil, keywords: nil, rating: nil, phash: nil, damaged: false,
            warnings: nil, metadata: "{}", analyzedAt: "now")
        let file = FileRecord(
            id: nil, libraryId: libraryId, path: path, size: Int64(bytes.count), mtimeNs: Int64(index),
            inode: Int64(index), sha256: sha, state: .present, assetId: nil, firstSeen: "now", lastSeen: "now")
        try catalog.record(IngestRecord(file: file, asset: asset, renditions: records, errors: []))
    }

    /// What the preview file `name` of content `seed` holds.
    static func renditionBytes(_ name: String, seed: Int) -> Data {
        name == "200" ? Data("jpeg of \(seed)".utf8) : Data("\(name) of \(seed)".utf8)
    }

    /// Records one more file in the bed's library (see `record`).
    func add(
        _ path: String, seed: Int, taken: String = "2022-03-04T05:06:07",
        renditions: [(name: String, width: Int, height: Int)], writePreviews: Bool
    ) throws {
        try Self.record(
            catalog: catalog, libraryId: try catalog.libraries()[0].id!, photos: photos, previews: previews, path: path,
            seed: seed, taken: taken, camera: nil, index: 100 + seed, renditions: renditions,
            writePreviews: writePreviews)
    }

    /// Stops the server and removes the folder.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Runs `body` with a started bed, stopping it afterwards whatever happens.
    static func with<T>(
        passwordHash: PasswordHash? = nil, allowedHosts: [String] = [], cloud: CloudOriginals? = nil,
        cloudPreviews: ((_ previews: String) -> CloudPreviews)? = nil, _ body: (GalleryBed) async throws -> T
    ) async throws -> T {
        let bed = try await start(cloud: cloud, cloudPreviews: cloudPreviews) {
            $0.passwordHash = passwordHash
            $0.allowedHosts = allowedHosts
        }
        do {
            let result = try await body(bed)
            await bed.stop()
            return result
        } catch {
            await bed.stop()
            throw error
        }
    }

    /// The id of the file at `path`.
    func fileId(_ path: String) throws -> Int64 {
        let library = try catalog.libraries()[0]
        return try (try catalog.files(libraryId: library.id!)[path]?.id).unwrap()
    }

    /// A request to this server (Host `127.0.0.1:PORT` unless `headers` names another).
    func request(
        _ target: String, method: String = "GET", headers: [String: String] = [:], body: String? = nil
    ) async throws -> RawResponse {
        try await RawHTTP.send(port: port, method: method, target: target, headers: headers, body: body)
    }

    /// The CSRF token the home page gives.
    func csrfToken() async throws -> String {
        let page = try await request("/").text
        let marker = "name=\"csrf-token\" content=\""
        let start = try page.range(of: marker).unwrap().upperBound
        return String(page[start...].prefix(64))
    }
}

struct Missing: Error {}

extension Optional {
    func unwrap() throws -> Wrapped {
        guard let self else { throw Missing() }
        return self
    }
}
