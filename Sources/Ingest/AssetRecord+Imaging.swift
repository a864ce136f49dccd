import Catalog
import Foundation
import Imaging

extension AssetRecord {
    /// A content without a description: kind and size only (other files, or images that failed).
    static func generic(digest: ContentDigest, format: ImageFormat, now: String) -> AssetRecord {
        AssetRecord(
            id: nil, sha256: digest.sha256, md5: digest.md5, size: Int64(digest.size), kind: AssetKind(format),
            mime: format.mimeType, damaged: false, metadata: "{}", analyzedAt: now)
    }

    /// The catalog's row for an analysed image.
    package init(analysis: ImageAnalysis, digest: ContentDigest, now: String) {
        let m = analysis.metadata
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let keywords =
            m.keywords.isEmpty ? nil : (try? encoder.encode(m.keywords)).map { String(decoding: $0, as: UTF8.self) }
        let raw = (try? encoder.encode(m.raw)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        self.init(
            id: nil, sha256: digest.sha256, md5: digest.md5, size: Int64(digest.size), kind: AssetKind(m.format),
            mime: m.format.mimeType, width: m.width, height: m.height, orientation: m.orientation, takenAt: m.takenAt,
            takenOffset: m.takenOffset, cameraMake: m.cameraMake, cameraModel: m.cameraModel, lens: m.lens,
            exposureTime: m.exposureTime, fNumber: m.fNumber, iso: m.iso, focalLength: m.focalLength,
            latitude: m.latitude, longitude: m.longitude, altitude: m.altitude, title: m.title, caption: m.caption,
            keywords: keywords, rating: m.rating, phash: Int64(bitPattern: analysis.perceptualHash.value),
            damaged: analysis.damaged,
            warnings: analysis.warnings.isEmpty ? nil : analysis.warnings.joined(separator: "\n"), metadata: raw,
            analyzedAt: now)
    }

    /// The keywords as a list.
    package var keywordList: [String] {
        keywords.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? []
    }

    /// The perceptual hash, if the content is an analysed image.
    package var perceptualHash: PerceptualHash? { phash.map { PerceptualHash(UInt64(bitPattern: $0)) } }
}

extension AssetKind {
    /// The catalog's kind of an Imaging format (a switch, so a format added to Imaging must be named here).
    init(_ format: ImageFormat) {
        switch format {
        case .jpeg: self = .jpeg
        case .png: self = .png
        case .tiff: self = .tiff
        case .gif: self = .gif
        case .webp: self = .webp
        case .heic: self = .heic
        case .avif: self = .avif
        case .raw: self = .raw
        case .other: self = .other
        }
    }
}
