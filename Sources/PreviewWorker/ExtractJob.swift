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
    /// One converter per profile: the daemon's settings with that profile's renditions.
    let converters: [PreviewProfile: ImageConverter]
    let logger: Logger

    init(storage: StorageClient, options: WorkerOptions, resources: CloudResources, logger: Logger) {
        self.storage = storage
        self.options = options
        self.resources = resources
        self.logger = logger
        var converters: [PreviewProfile: ImageConverter] = [:]
        for profile in PreviewProfile.allCases {
            var imaging = options.imaging
            imaging.renditions = profile.renditions
            converters[profile] = ImageConverter(configuration: imaging)
        }
        self.converters = converters
    }

    /// What a message asks for beyond its master: the previews to make and their tier.
    struct Request: Sendable {
        var profile: PreviewProfile
        var tier: AccessTier?

        /// Reads them from the message; an unknown value cannot be guessed at (poison queue).
        init(_ message: ExtractMessage) throws(WorkerFailure) {
            guard let profile = PreviewProfile(rawValue: message.profile ?? PreviewProfile.standard.rawValue) else {
                throw .unusable("unknown previews profile \"\(message.profile ?? "")\"")
            }
            self.profile = profile
            if let text = message.previewTier {
                guard let tier = AccessTier.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
                    throw .unusable("unknown access tier \"\(text)\"")
                }
                self.tier = tier
            }
        }
    }

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
    func run(_ message: ExtractMessage, _ request: Request) async throws -> Outcome {
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
            let converter = converters[request.profile]!
            let name = message.path ?? sha
            analysis = try await BlockingWork.run("ironviper-convert") {
                try converter.analyze(bytes: bytes ?? [], path: name)
            }
        } catch let error as ImagingError {
            return try await unconvertible(sha, error.code.rawValue, error.description)
        }
        try Task.checkCancellation()
        let (uploaded, renditions) = try await upload(analysis.renditions, sha256: sha, tier: request.tier)
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

    /// Puts each distinct rendition unless it is there (`If-None-Match: *`: no read first, a 409 means
    /// present), in the tier the message asks for.
    private func upload(_ renditions: [Rendition], sha256: String, tier: AccessTier?) async throws
        -> (uploaded: Int, records: [RenditionRecord])
    {
        try await resources.ensure(container: CloudKeys.previewContainer)
        let (records, stored) = DistinctRenditions.plan(renditions, sha256: sha256)
        var uploaded = 0
        for rendition in stored {
            var upload = BlobUploadOptions()
            upload.ifNotExists = true
            upload.contentType = "image/jpeg"
            upload.tier = tier
            let result = try await storage.blobs.putBlob(
                container: CloudKeys.previewContainer, name: CloudKeys.renditionBlob(sha256: sha256, name: rendition.name),
                bytes: rendition.jpeg, options: upload)
            if result.outcome == .uploaded { uploaded += 1 }
        }
        return (uploaded, records)
    }

    /// A result, not a failure: the reason goes into the rows, where the daemon learns it.
    private func unconvertible(_ sha256: String, _ code: String, _ message: String) async throws -> Outcome {
        let merged = try await rows.merge(sha256: sha256, properties: DescriptionFields.problem(code: code, message: message))
        return .unconvertible(reason: "\(code): \(message)", rows: merged)
    }
}
