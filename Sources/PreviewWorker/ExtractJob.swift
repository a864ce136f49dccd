import AzureStorage
import Catalog
import Foundation
import Imaging
import Ingest
import Logging
import Sync

/// Describes one master in the cloud, as the daemon would have on its own machine: downloads it
/// (ranged, MD5 checked by the client, SHA-256 checked here against its name), converts it with the
/// daemon's Imaging code (same renditions, byte for byte, for the same settings), uploads the
/// renditions that are not there yet and merges the description into the content's `files` rows.
/// Every step can run twice: uploads are conditional, merges compare first.
struct ExtractJob: Sendable {
    let storage: StorageClient
    let options: WorkerOptions
    let resources: CloudResources
    let converter: ImageConverter
    let logger: Logger

    /// What came of a message.
    enum Outcome: Sendable {
        /// Previews made (`uploaded` of them sent now, the rest were there) and `rows` rows merged.
        case described(uploaded: Int, rows: Int)
        /// It can never have previews; the reason is in `rows` rows.
        case unconvertible(reason: String, rows: Int)
    }

    private var rows: RowMerger { RowMerger(storage: storage, resources: resources) }

    /// Works one message; throws only for what another try may fix (storage, network, a row that
    /// kept changing) and for cancellation.
    func run(_ message: ExtractMessage) async throws -> Outcome {
        let sha = message.sha256
        if let size = message.size, size > options.maxDecodeBytes {
            return try await unconvertible(sha, "tooLarge", "\(size) bytes: cataloged without previews")
        }
        let file = options.scratchDirectory + "/ironviper-worker-\(sha)-\(UUID().uuidString.prefix(8))"
        defer { unlink(file) }
        do {
            try await storage.blobs.download(container: message.container, name: message.blob, to: file)
        } catch let error as AzureStorageError where error.isNotFound {
            return try await unconvertible(sha, "masterMissing", "no master \(message.container)/\(message.blob)")
        }
        let maxDecodeBytes = options.maxDecodeBytes
        let (digest, bytes) = try await BlockingWork.run("ironviper-hash") {
            try ContentHasher.digest(ofFileAt: file, keepBytes: true)
        }
        guard digest.sha256 == sha else {
            return try await unconvertible(
                sha, "integrity", "the master's content hashes to \(digest.sha256), not to its name")
        }
        guard digest.size <= maxDecodeBytes else {
            return try await unconvertible(sha, "tooLarge", "\(digest.size) bytes: cataloged without previews")
        }
        try Task.checkCancellation()
        let analysis: ImageAnalysis
        do {
            let converter = converter
            let name = message.path ?? sha
            analysis = try await BlockingWork.run("ironviper-convert") {
                try converter.analyze(bytes: bytes ?? [], path: name)
            }
        } catch let error as ImagingError {
            return try await unconvertible(sha, error.code.rawValue, error.description)
        }
        try Task.checkCancellation()
        let (uploaded, renditions) = try await upload(analysis.renditions, sha256: sha)
        let asset = AssetRecord(analysis: analysis, digest: digest, now: Timestamp.now())
        var properties = DescriptionFields.facts(of: asset).merging(DescriptionFields.renditions(renditions)) { $1 }
        if analysis.damaged {
            let warnings = analysis.warnings.joined(separator: "; ")
            properties.merge(DescriptionFields.problem(code: "damaged", message: "decoded with corrupt data: \(warnings)"))
            { $1 }
        }
        let merged = try await rows.merge(sha256: sha, properties: properties)
        return .described(uploaded: uploaded, rows: merged)
    }

    /// Puts each rendition unless it is there (`If-None-Match: *`: no read first, a 409 means present).
    private func upload(_ renditions: [Rendition], sha256: String) async throws
        -> (uploaded: Int, records: [RenditionRecord])
    {
        try await resources.ensure(container: CloudKeys.previewContainer)
        var uploaded = 0
        var records: [RenditionRecord] = []
        for rendition in renditions {
            var upload = BlobUploadOptions()
            upload.ifNotExists = true
            upload.contentType = "image/jpeg"
            let result = try await storage.blobs.putBlob(
                container: CloudKeys.previewContainer, name: CloudKeys.renditionBlob(sha256: sha256, name: rendition.name),
                bytes: rendition.jpeg, options: upload)
            if result.outcome == .uploaded { uploaded += 1 }
            records.append(
                RenditionRecord(
                    assetId: 0, name: rendition.name, width: rendition.size.width, height: rendition.size.height,
                    bytes: rendition.jpeg.count, path: PreviewStore.relativePath(sha256: sha256, name: rendition.name)))
        }
        return (uploaded, records)
    }

    /// A result, not a failure: the reason goes into the rows, where the daemon learns it.
    private func unconvertible(_ sha256: String, _ code: String, _ message: String) async throws -> Outcome {
        let merged = try await rows.merge(sha256: sha256, properties: DescriptionFields.problem(code: code, message: message))
        return .unconvertible(reason: "\(code): \(message)", rows: merged)
    }
}
