/// What a file's content is, decided from its first bytes (and, for camera RAW, its extension,
/// since most RAW formats are TIFF containers).
package enum ImageFormat: String, Sendable, Codable, CaseIterable {
    case jpeg, png, tiff, gif, webp, heic, avif, raw
    /// Anything else: cataloged and backed up, no previews.
    case other

    /// The ImageMagick coder that decodes it; nil for RAW (dcraw) and other files.
    var coder: String? {
        switch self {
        case .jpeg: "JPEG"
        case .png: "PNG"
        case .tiff: "TIFF"
        case .gif: "GIF"
        case .webp: "WEBP"
        case .heic: "HEIC"
        case .avif: "AVIF"
        case .raw, .other: nil
        }
    }

    /// The MIME type stored in the catalog and used as the blob's content type.
    package var mimeType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .tiff: "image/tiff"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .heic: "image/heic"
        case .avif: "image/avif"
        case .raw: "image/x-raw"
        case .other: "application/octet-stream"
        }
    }

    /// Extensions of camera RAW formats that dcraw/libraw decode.
    package static let rawExtensions: Set<String> = [
        "dng", "cr2", "cr3", "crw", "nef", "nrw", "arw", "srf", "sr2", "raf", "orf", "rw2", "pef", "srw",
        "x3f", "3fr", "erf", "kdc", "dcr", "mef", "mrw", "iiq", "rwl",
    ]

    /// Extensions people give to images; a file with one of these whose content is not an image is
    /// mislabeled and gets a recorded error.
    package static let imageExtensions: Set<String> = rawExtensions.union([
        "jpg", "jpeg", "jpe", "png", "tif", "tiff", "gif", "webp", "heic", "heif", "avif",
    ])

    /// Sniffs the format from the leading bytes, using the extension only to tell RAW from TIFF.
    package static func sniff(_ head: some Collection<UInt8>, fileExtension: String) -> ImageFormat {
        let bytes = Array(head.prefix(32))
        let ext = fileExtension.lowercased()
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + magic.count && Array(bytes[offset..<offset + magic.count]) == magic
        }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
        if starts(Array("ftyp".utf8), at: 4) {
            let brand = bytes.count >= 12 ? String(decoding: bytes[8..<12], as: UTF8.self) : ""
            if ["avif", "avis"].contains(brand) { return .avif }
            if ["heic", "heix", "hevc", "hevx", "mif1", "msf1", "heim", "heis"].contains(brand) { return .heic }
            if brand == "crx " { return .raw }  // Canon CR3 is an ISO box file too
            return .other
        }
        let tiff = starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A])
        if rawExtensions.contains(ext) {
            // Most RAW formats are TIFF containers; the others (RAF, CRW, X3F, MRW…) have their own magic.
            return .raw
        }
        if tiff { return .tiff }
        if starts([0x49, 0x49, 0x52, 0x4F]) || starts([0x49, 0x49, 0x55, 0x00]) { return .raw }  // ORF, RW2
        return .other
    }
}
