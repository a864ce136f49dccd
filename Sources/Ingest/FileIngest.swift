import Catalog
import Foundation
import Imaging
import Logging

/// Ingests one file: one read pass for SHA-256 + MD5 (keeping the bytes of images to decode), the
/// file recorded (so its master is queued at once), then for new image content the conversion, the
/// previews written and the description recorded: a master never waits for its previews.
struct FileIngest: Sendable {
    let catalog: Catalog
    let previews: PreviewStore
    let converter: ImageConverter
    let maxDecodeBytes: Int
    /// Leave decoding to `ironviper worker` (`ScanConfiguration.previewsInCloud`).
    var previewsInCloud = false
    let logger: Logger
    let claims = ContentClaims()
    /// Called when new content's master was queued and its previews are about to be made.
    var queued: @Sendable () -> Void = {}

    /// Ingests `job`. With `deferring`, a file whose record is complete at once (anything but new image content,
    /// which is recorded first and described after) is handed to it instead of written: the caller writes many in
    /// one transaction (`RecordBatch`), and the outcome's `newAsset` is a forecast it corrects.
    func run(_ job: IngestJob, deferring: ((IngestRecord) -> Void)? = nil) -> IngestResult {
        let entry = job.entry
        let now = Timestamp.now()
        let ext = (entry.relativePath as NSString).pathExtension.lowercased()
        // Keep the bytes for the decoder only when the content looks like an image (a 400 MB video
        // is streamed through the hashes, not held in memory).
        let decodable =
            !previewsInCloud && entry.size <= maxDecodeBytes
            && (ImageFormat.imageExtensions.contains(ext)
                || ImageFormat.sniff(Self.head(of: entry.absolutePath), fileExtension: ext) != .other)
        let digest: ContentDigest
        let bytes: [UInt8]?
        do {
            (digest, bytes) = try ContentHasher.digest(ofFileAt: entry.absolutePath, keepBytes: decodable)
        } catch {
            return .failed(ScanFailure(path: entry.absolutePath, code: "io", message: "\(error)"))
        }
        var file = FileRecord(
            id: nil, libraryId: job.library.id!, path: entry.relativePath, size: Int64(digest.size),
            mtimeNs: entry.mtimeNs, inode: entry.inode, sha256: digest.sha256, state: .present, assetId: nil,
            firstSeen: now, lastSeen: now)
        var errors: [ErrorRecord] = []
        var asset: AssetRecord?
        var renditions: [RenditionRecord] = []
        var newAsset = false
        do {
            let owner = claims.claim(digest.sha256)
            defer { if owner { claims.release(digest.sha256) } }
            // New image content is recorded as a placeholder first, which queues its master; the claim
            // keeps any other path with the same bytes from describing it twice. A record handed to
            // `deferring` is written after the claim is released (with its thread's batch), so a copy that
            // waited for the claim may still find no asset: every record that is cheap to complete carries
            // the asset it would create, and whichever is written first creates it (the other links to
            // it). Without it the copy was written with no asset: no reference row (a purge could not see
            // it), no description in its cloud row.
            var describing = false
            if try !catalog.hasAsset(sha256: digest.sha256) {
                if previewsInCloud {
                    asset = Self.awaitingCloud(digest: digest, path: entry.absolutePath, ext: ext, now: now)
                } else if !decodable {
                    (asset, renditions, errors) = describe(
                        bytes: bytes ?? [], digest: digest, path: entry.absolutePath, ext: ext, now: now)
                    if !owner { errors = [] }  // the path that claimed it reports them, as when it is recorded
                } else if owner {
                    let format = ImageFormat.sniff((bytes ?? []).prefix(32), fileExtension: ext)
                    asset = AssetRecord.generic(digest: digest, format: format, now: now)
                    asset?.analyzedAt = AssetRecord.describing
                    describing = true
                }
                // A copy of content being decoded here finds its placeholder, written before the claim is
                // released; it finds none only when that ingest failed, and the next scan ingests it again
                // (`LibraryScanner.partition`).
            }
            let record = IngestRecord(
                file: file, asset: asset, renditions: renditions, errors: errors, describing: describing)
            if let deferring, !describing {
                deferring(record)
                newAsset = asset != nil  // a forecast: the batch's transaction tells, and the caller revises it
            } else {
                let recorded = try catalog.record(record)
                file = recorded.file
                newAsset = recorded.newAsset
            }
            if describing && newAsset {
                queued()
                (asset, renditions, errors) = describe(
                    bytes: bytes ?? [], digest: digest, path: entry.absolutePath, ext: ext, now: now)
                try catalog.describe(
                    asset!, renditions: renditions, errors: errors, libraryId: file.libraryId, path: file.path)
            }
        } catch {
            logger.error("ingest failed", metadata: ["path": "\(entry.absolutePath)", "error": "\(error)"])
            return .failed(ScanFailure(path: entry.absolutePath, code: "database", message: "\(error)"))
        }
        let failures = errors.map { ScanFailure(path: entry.absolutePath, code: $0.code, message: $0.message) }
        return .recorded(.init(bytes: Int64(digest.size), newAsset: newAsset, failures: failures))
    }

    /// Describes a placeholder a crash left, reading a file that should hold its content; a file that
    /// changed meanwhile is left to the scan, which re-ingests it.
    func finishDescription(sha256: String, libraryId: Int64, absolutePath: String, relativePath: String) {
        guard claims.claim(sha256) else { return }
        defer { claims.release(sha256) }
        do {
            let (digest, bytes) = try ContentHasher.digest(ofFileAt: absolutePath, keepBytes: true)
            guard digest.sha256 == sha256 else { return }
            let ext = (relativePath as NSString).pathExtension.lowercased()
            let (asset, renditions, errors) = describe(
                bytes: bytes ?? [], digest: digest, path: absolutePath, ext: ext, now: Timestamp.now())
            try catalog.describe(asset, renditions: renditions, errors: errors, libraryId: libraryId, path: relativePath)
        } catch {
            logger.warning("cannot finish a description", metadata: ["path": "\(absolutePath)", "error": "\(error)"])
        }
    }

    /// New content whose previews `ironviper worker` makes: an image (by its first bytes) waits for its
    /// description from the cloud and its master queues the extract message; anything else is
    /// described at once, as a generic asset.
    static func awaitingCloud(digest: ContentDigest, path: String, ext: String, now: String) -> AssetRecord {
        let format = ImageFormat.sniff(head(of: path), fileExtension: ext)
        var asset = AssetRecord.generic(digest: digest, format: format, now: now)
        if asset.kind.hasPreviews { asset.analyzedAt = AssetRecord.describedInCloud }
        return asset
    }

    /// The first bytes of a file, enough to sniff its format (empty if unreadable: the hash reports why).
    static func head(of path: String) -> [UInt8] {
        guard let fd = try? RegularFile.open(path) else { return [] }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, 32) }
        return count > 0 ? Array(bytes.prefix(count)) : []
    }

    /// Describes new content: an image gets metadata, previews and a perceptual hash; anything else
    /// (or an image that fails) is a generic asset, with the failure recorded when it looked like an image.
    private func describe(bytes: [UInt8], digest: ContentDigest, path: String, ext: String, now: String)
        -> (AssetRecord, [RenditionRecord], [ErrorRecord])
    {
        let format = ImageFormat.sniff(bytes.prefix(32), fileExtension: ext)
        var asset = AssetRecord.generic(digest: digest, format: format, now: now)
        func failure(_ code: String, _ message: String) -> ErrorRecord {
            ErrorRecord(
                id: nil, libraryId: nil, path: path, sha256: digest.sha256, stage: "imaging", code: code,
                message: message, occurredAt: now)
        }
        let looksLikeImage = format != .other || ImageFormat.imageExtensions.contains(ext)
        guard looksLikeImage else { return (asset, [], []) }
        guard digest.size <= maxDecodeBytes else {
            return (asset, [], [failure("tooLarge", "\(digest.size) bytes: cataloged without previews")])
        }
        do {
            let analysis = try converter.analyze(bytes: bytes, path: path)
            asset = AssetRecord(analysis: analysis, digest: digest, now: now)
            let (renditions, stored) = DistinctRenditions.plan(analysis.renditions, sha256: digest.sha256)
            for rendition in stored {
                _ = try previews.write(rendition, sha256: digest.sha256)
            }
            let errors =
                analysis.damaged
                ? [failure("damaged", "decoded with corrupt data: " + analysis.warnings.joined(separator: "; "))] : []
            return (asset, renditions, errors)
        } catch let imaging as ImagingError {
            return (asset, [], [failure(imaging.code.rawValue, imaging.description)])
        } catch {
            return (asset, [], [failure("io", "\(error)")])
        }
    }
}
