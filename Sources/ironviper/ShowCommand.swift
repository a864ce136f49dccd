import ArgumentParser
import BackupDaemon
import Catalog
import Foundation
import Logging
import Sync

/// `ironviper show PATH|SHA256`: everything the catalog knows about one photo. With
/// `--fetch-previews`, previews made in the cloud (`[previews] where = "cloud"`) are downloaded into
/// the local previews folder first, through the storage the daemon's configuration names.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a file's catalog entry: metadata, paths, previews, errors.")

    @OptionGroup var data: DataOptions

    @Flag(help: "Print as JSON, with the complete raw metadata.")
    var json = false

    @Flag(help: "Download previews that are only in the cloud (made by `ironviper worker`) into the previews folder.")
    var fetchPreviews = false

    @Option(help: "With --fetch-previews: the daemon configuration naming the storage (default: as `ironviper run`).")
    var config: String?

    @Argument(help: "A path (absolute, library/relative or relative) or a SHA-256 (prefix of 8+ hex digits).")
    var reference: String

    func run() async throws {
        let catalog = try data.openCatalog()
        let detail: AssetDetail
        do {
            detail = try catalog.detail(for: reference)
        } catch let error as CatalogError where error.code == .notFound {
            throw ValidationError("\(error)")
        }
        if fetchPreviews, let sha = detail.files.first?.sha256, !detail.renditions.isEmpty {
            try await fetch(detail.renditions, sha256: sha)
        }
        let view = ShowView(detail: detail, previewsRoot: data.location.previewsPath)
        if json {
            try JSONOutput.print(view)
        } else {
            view.printText()
        }
    }
}

extension ShowCommand {
    /// Fetches the missing previews through the configured storage (the running daemon's emulator,
    /// or the account of its connection string).
    private func fetch(_ renditions: [RenditionRecord], sha256: String) async throws {
        let options = try DaemonOptions.parse((config.map { ["--config", $0] } ?? []) + (data.system ? ["--system"] : []))
        let configuration = try options.load()
        let logger = Logger(label: "ironviper.show")
        try await StorageBackend.start(
            configuration: configuration, stateDirectory: options.stateDirectory(configuration), logger: logger
        ).use { storage in
            let cache = PreviewCache(storage: storage.client, root: data.location.previewsPath)
            _ = try await cache.fetch(renditions, sha256: sha256)
        }
    }
}

/// The `show` output, shaped for both JSON and text.
struct ShowView: Encodable {
    struct Preview: Encodable {
        var name: String
        var width: Int
        var height: Int
        var bytes: Int
        var path: String
    }
    struct Failure: Encodable {
        var path: String
        var stage: String
        var code: String
        var message: String
    }
    var sha256: String?
    var md5: String?
    var size: Int64?
    var paths: [String]
    var state: [FileState]
    var asset: AssetRecord?
    var keywords: [String]
    var perceptualHash: String?
    var metadata: [String: String]
    var previews: [Preview]
    var errors: [Failure]

    init(detail: AssetDetail, previewsRoot: String) {
        let asset = detail.asset
        sha256 = detail.files.first?.sha256
        md5 = asset?.md5
        size = asset?.size ?? detail.files.first?.size
        paths = detail.files.map { file in (detail.libraries[file.libraryId]?.root ?? "?") + "/" + file.path }
        state = detail.files.map(\.state)
        self.asset = asset
        keywords = asset?.keywordList ?? []
        perceptualHash = asset?.perceptualHash?.description
        metadata =
            (asset?.metadata).flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
        previews = detail.renditions.sorted { $0.width * $0.height > $1.width * $1.height }.map {
            Preview(
                name: $0.name, width: $0.width, height: $0.height, bytes: $0.bytes, path: previewsRoot + "/" + $0.path)
        }
        errors = detail.errors.map { Failure(path: $0.path, stage: $0.stage, code: $0.code, message: $0.message) }
    }

    func printText() {
        for (path, state) in zip(paths, state) {
            print("path        \(Printable.path(path))\(state == .present ? "" : "  (\(state.rawValue))")")
        }
        if let sha256 { print("sha256      \(sha256)") }
        if let md5 { print("md5         \(md5)") }
        if let size { print("size        \(size) bytes") }
        if let asset {
            let rows: [(String, String?)] = [
                ("type", "\(asset.kind) (\(asset.mime))"),
                ("dimensions", asset.width.flatMap { w in asset.height.map { "\(w)x\($0)" } }),
                ("orientation", asset.orientation.map(String.init)),
                ("taken", asset.takenAt.map { $0 + (asset.takenOffset ?? "") }),
                ("camera", Catalog.cameraName(make: asset.cameraMake, model: asset.cameraModel)),
                ("lens", asset.lens),
                ("exposure", asset.exposureTime.map { $0 < 1 ? "1/\(Int((1 / $0).rounded())) s" : "\($0) s" }),
                ("aperture", asset.fNumber.map { "f/\(String(format: "%.1f", $0))" }),
                ("iso", asset.iso.map(String.init)),
                ("focal length", asset.focalLength.map { "\(String(format: "%g", $0)) mm" }),
                (
                    "gps",
                    asset.latitude.flatMap { lat in asset.longitude.map { String(format: "%.6f, %.6f", lat, $0) } }
                ),
                ("altitude", asset.altitude.map { String(format: "%.1f m", $0) }),
                ("title", asset.title),
                ("caption", asset.caption),
                ("keywords", keywords.isEmpty ? nil : keywords.joined(separator: ", ")),
                ("rating", asset.rating.map(String.init)),
                ("phash", perceptualHash),
                ("damaged", asset.damaged ? "yes: \(asset.warnings ?? "")" : nil),
            ]
            for (label, value) in rows {
                if let value, !value.isEmpty { print(label.padding(toLength: 12, withPad: " ", startingAt: 0) + value) }
            }
        }
        for preview in previews {
            // Made in the cloud and not fetched yet: say how to get it rather than print a dangling path.
            let local = FileManager.default.fileExists(atPath: preview.path) ? "" : "  (in the cloud: --fetch-previews)"
            print("preview     \(preview.name) \(preview.width)x\(preview.height) \(preview.bytes) B  \(preview.path)\(local)")
        }
        for error in errors {
            print("error       \(error.stage)/\(error.code): \(error.message)")
        }
    }
}
