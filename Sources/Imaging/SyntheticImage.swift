import CMagickWand
import Foundation

/// Draws a deterministic, photo-like picture and encodes it with chosen metadata, through the same
/// MagickWand the converter uses. Tests generate their fixtures with it at run time (no binary
/// fixtures in the repository), so orientation, metadata and format cases are exact and repeatable.
///
/// The upright scene has a yellow bar in the top-left corner and a blue dot below it; `orientation`
/// stores the pixels turned so that applying that EXIF orientation shows the upright scene again.
package struct SyntheticImage: Sendable {
    /// Upright width.
    package var width: Int
    /// Upright height.
    package var height: Int
    /// Varies the pattern: different seeds give unrelated pictures.
    package var seed: UInt32
    /// EXIF orientation 1…8 the pixels are stored for.
    package var orientation: Int = 1
    /// EXIF block (its orientation is set from `orientation`).
    package var exif: ExifBlob?
    /// XMP packet.
    package var xmp: String?
    /// IPTC-IIM records (see `SyntheticImage.iptc(keywords:title:caption:)`).
    package var iptc: [UInt8]?
    /// ICC profile to embed (pixels are left as they are: the profile says how to read them).
    package var iccProfile: [UInt8]?
    /// Store as CMYK (JPEG/TIFF only).
    package var cmyk = false
    /// Frames appended after the picture (negated copies), for animated GIF and multi-page TIFF.
    package var extraFrames = 0

    /// A picture of `width` × `height` upright pixels.
    package init(width: Int, height: Int, seed: UInt32 = 1) {
        self.width = width
        self.height = height
        self.seed = seed
    }

    /// The upright scene's pixels, RGB, row by row: smooth colour waves (a cheap stand-in for a
    /// photo's low frequencies) plus fine texture, and the orientation markers.
    package func uprightPixels() -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        var random = seed &* 2_654_435_761 | 1
        func next() -> UInt32 {
            random ^= random << 13
            random ^= random >> 17
            random ^= random << 5
            return random
        }
        let phase = (0..<6).map { _ in Double(next() % 1000) / 1000 * 2 * .pi }
        let frequency = (0..<6).map { _ in 1 + Double(next() % 5) }
        // Separable waves: one table per axis and channel keeps generation cheap at 24 MP.
        let across = (0..<3).map { c in
            (0..<width).map { x in sin(2 * .pi * frequency[c] * Double(x) / Double(width) + phase[c]) }
        }
        let down = (0..<3).map { c in
            (0..<height).map { y in cos(2 * .pi * frequency[c + 3] * Double(y) / Double(height) + phase[c + 3]) }
        }
        pixels.withUnsafeMutableBufferPointer { out in
            for y in 0..<height {
                for x in 0..<width {
                    let noise = Int(next() % 17) - 8
                    for channel in 0..<3 {
                        let value = 128 + Int(90 * across[channel][x] * down[channel][y]) + noise
                        out[(y * width + x) * 3 + channel] = UInt8(max(0, min(255, value)))
                    }
                }
            }
        }
        func paint(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ rgb: (UInt8, UInt8, UInt8), round: Bool = false) {
            let cx = Double(x0 + x1) / 2
            let cy = Double(y0 + y1) / 2
            let r = Double(x1 - x0) / 2
            for y in max(0, y0)..<min(height, y1) {
                for x in max(0, x0)..<min(width, x1) {
                    if round && hypot(Double(x) - cx, Double(y) - cy) > r { continue }
                    let i = (y * width + x) * 3
                    (pixels[i], pixels[i + 1], pixels[i + 2]) = rgb
                }
            }
        }
        paint(width / 20, height / 20, width / 3, height / 8, (255, 208, 48))
        let dot = max(2, width / 25)
        paint(width / 10 - dot, height / 3 - dot, width / 10 + dot, height / 3 + dot, (32, 80, 255), round: true)
        return pixels
    }

    /// Encodes as `format` (`JPEG`, `PNG`, `TIFF`, `GIF`, `WEBP`) at `quality`.
    package func encode(format: String, quality: Int = 90) throws -> [UInt8] {
        MagickRuntime.ensureStarted()
        let image = MagickImage()
        var pixels = uprightPixels()
        let ok = pixels.withUnsafeMutableBytes {
            MagickConstituteImage(image.wand, width, height, "RGB", CharPixel, $0.baseAddress)
        }
        guard ok == MagickTrue else { throw image.failure(path: "synthetic") }
        try storeForOrientation(image)
        if cmyk { _ = MagickTransformImageColorspace(image.wand, CMYKColorspace) }
        if var exif {
            exif.orientation = UInt16(orientation)
            let bytes = exif.bytes
            _ = bytes.withUnsafeBytes { MagickSetImageProfile(image.wand, "exif", $0.baseAddress, $0.count) }
        }
        _ = MagickSetImageOrientation(image.wand, OrientationType(rawValue: UInt32(orientation)))
        if let xmp {
            let bytes = Array(xmp.utf8)
            _ = bytes.withUnsafeBytes { MagickSetImageProfile(image.wand, "xmp", $0.baseAddress, $0.count) }
        }
        if let iptc {
            _ = iptc.withUnsafeBytes { MagickSetImageProfile(image.wand, "iptc", $0.baseAddress, $0.count) }
        }
        if let iccProfile {
            _ = iccProfile.withUnsafeBytes { MagickSetImageProfile(image.wand, "icc", $0.baseAddress, $0.count) }
        }
        for _ in 0..<extraFrames {
            let frame = image.clone()
            _ = MagickNegateImage(frame.wand, MagickFalse)
            MagickSetLastIterator(image.wand)
            _ = MagickAddImage(image.wand, frame.wand)
        }
        MagickSetFirstIterator(image.wand)
        _ = MagickSetImageCompressionQuality(image.wand, quality)
        _ = MagickSetCompressionQuality(image.wand, quality)
        return try image.blob(format: format, path: "synthetic.\(format.lowercased())")
    }

    /// Turns the upright pixels into stored ones: the inverse of what `orientation` asks a viewer to do.
    private func storeForOrientation(_ image: MagickImage) throws {
        switch orientation {
        case 6: try image.orient(8, path: "synthetic")  // viewer turns 90° clockwise: store 90° counter-clockwise
        case 8: try image.orient(6, path: "synthetic")
        default: try image.orient(orientation, path: "synthetic")  // the others are their own inverse
        }
    }

    /// IPTC-IIM records: keywords (2:25), object name/title (2:05) and caption (2:120), UTF-8.
    package static func iptc(keywords: [String] = [], title: String? = nil, caption: String? = nil) -> [UInt8] {
        var out: [UInt8] = [0x1C, 0x01, 0x5A, 0x00, 0x03, 0x1B, 0x25, 0x47]  // 1:90 coded character set = UTF-8
        func record(_ dataset: UInt8, _ text: String) {
            let bytes = Array(text.utf8)
            out += [0x1C, 0x02, dataset, UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes
        }
        if let title { record(5, title) }
        for keyword in keywords { record(25, keyword) }
        if let caption { record(120, caption) }
        return out
    }
}
