import CMagickWand

/// Reads back encoded images (previews, fixtures) without the conversion pipeline: what a viewer
/// would see. Tests check renditions with it; the web page can use it to describe a preview.
package enum ImageProbe {
    /// What an encoded image declares.
    package struct Info: Sendable, Equatable {
        /// ImageMagick's format name (`JPEG`).
        package var format: String
        /// Stored size.
        package var size: PixelSize
        /// Progressive (interlaced) encoding.
        package var progressive: Bool
        /// Embedded profiles (`exif`, `icc`, `xmp`…); empty for a stripped preview.
        package var profiles: [String]
        /// EXIF orientation 1…8.
        package var orientation: Int
        /// True for CMYK pixels.
        package var cmyk: Bool
    }

    /// Decodes the header and pixels of `bytes` (any format ImageMagick reads).
    package static func info(_ bytes: [UInt8]) throws -> Info {
        let image = try decode(bytes)
        let format =
            MagickGetImageFormat(image.wand).map { text in
                defer { MagickRelinquishMemory(text) }
                return String(cString: text)
            } ?? "?"
        return Info(
            format: format, size: PixelSize(width: image.width, height: image.height),
            progressive: MagickGetImageInterlaceScheme(image.wand) != NoInterlace, profiles: image.profileNames(),
            orientation: image.orientation, cmyk: image.isCMYK)
    }

    /// The stored pixels as 8-bit RGB, row by row (no orientation applied).
    package static func rgb(_ bytes: [UInt8]) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        let image = try decode(bytes)
        var pixels = [UInt8](repeating: 0, count: image.width * image.height * 3)
        let ok = pixels.withUnsafeMutableBytes {
            MagickExportImagePixels(image.wand, 0, 0, image.width, image.height, "RGB", CharPixel, $0.baseAddress)
        }
        guard ok == MagickTrue else { throw image.failure(path: "probe") }
        return (image.width, image.height, pixels)
    }

    private static func decode(_ bytes: [UInt8]) throws -> MagickImage {
        MagickRuntime.ensureStarted()
        let image = MagickImage()
        let ok = bytes.withUnsafeBytes { MagickReadImageBlob(image.wand, $0.baseAddress, $0.count) }
        guard ok == MagickTrue else { throw image.failure(path: "probe") }
        return image
    }
}
