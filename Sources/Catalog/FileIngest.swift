import Foundation
import Imaging
import Logging

/// Ingests one file: one read pass for SHA-256 + MD5 (keeping the bytes of images to decode),
/// conversion of new image content, previews written, then one catalog transaction.
struct FileIngest: Sendable {
    let catalog: Catalog
    let previews: PreviewStore
    let converter: ImageConverter
    let maxDecodeBytes: Int
    let logger: Logger
    let claims = ContentClaims()

    func run(_ job: IngestJob) -> IngestResult {
        let entry = job.entry
        let now = Timestamp.now()
        let ext = (entry.relativePath as NSString).pathExtension.lowercased()
        // Keep the bytes for the decoder only when the content looks like an image (a 400 MB video
        // is streamed through the hashes, not held in memory).
        let decodable =
            entry.size <= maxDecodeBytes
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
            mtimeNs: entry.mtimeNs, inode: entry.inode, sha256: digest.sha256, state: "present", assetId: nil,
            firstSeen: now, lastSeen: now)
        var errors: [ErrorRecord] = []
        var asset: AssetRecord?
        var renditions: [RenditionRecord] = []
        var newAsset = false
        do {
            let owner = claims.claim(digest.sha256)
            defer { if owner { claims.release(digest.sha256) } }
            if owner, try catalog.asset(sha256: digest.sha256) == nil {
                (asset, renditions, errors) = describe(
                    bytes: bytes ?? [], digest: digest, path: entry.absolutePath, ext: ext, now: now)
            }
            let recorded = try catalog.record(
                IngestRecord(file: file, asset: asset, renditions: renditions, errors: errors))
            file = recorded.file
            newAsset = recorded.newAsset
        } catch {
            logger.error("ingest failed", metadata: ["path": "\(entry.absolutePath)", "error": "\(error)"])
            return .failed(ScanFailure(path: entry.absolutePath, code: "database", message: "\(error)"))
        }
        let failures = errors.map { ScanFailure(path: entry.absolutePath, code: $0.code, message: $0.message) }
        return .recorded(.init(bytes: Int64(digest.size), newAsset: newAsset, failures: failures))
    }

    /// The first bytes of a file, enough to sniff its format (empty if unreadable: the hash reports why).
    static func head(of path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
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
            var renditions: [RenditionRecord] = []
            for rendition in analysis.renditions {
                let relative = try previews.write(rendition, sha256: digest.sha256)
                renditions.append(
                    RenditionRecord(
                        assetId: 0, name: rendition.name, width: rendition.size.width, height: rendition.size.height,
                        bytes: rendition.jpeg.count, path: relative))
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
