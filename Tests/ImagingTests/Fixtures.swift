import Foundation
import Imaging

/// Helpers shared by the Imaging suites: fixtures are drawn at test time with MagickWand.
enum Fixtures {
    /// A converter with default settings (ImageMagick is started once per process).
    static let converter = ImageConverter()

    /// A JPEG of the given upright size and orientation.
    static func jpeg(width: Int = 300, height: Int = 200, seed: UInt32 = 1, orientation: Int = 1, quality: Int = 92)
        throws -> [UInt8]
    {
        var image = SyntheticImage(width: width, height: height, seed: seed)
        image.orientation = orientation
        image.exif = ExifBlob()
        return try image.encode(format: "JPEG", quality: quality)
    }

    /// Decodes a rendition back to RGB pixels with the converter's own decoder (no extra library).
    static func pixels(of jpeg: [UInt8]) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        try ImageProbe.rgb(jpeg)
    }

    /// The mean colour of a rectangle given in fractions of the image.
    static func meanColor(
        _ image: (width: Int, height: Int, rgb: [UInt8]), x0: Double, y0: Double, x1: Double, y1: Double
    ) -> (r: Double, g: Double, b: Double) {
        var sum = (0.0, 0.0, 0.0)
        var count = 0.0
        for y in Int(
            y0 * Double(image.height))..<max(Int(y0 * Double(image.height)) + 1, Int(y1 * Double(image.height)))
        {
            for x in Int(
                x0 * Double(image.width))..<max(Int(x0 * Double(image.width)) + 1, Int(x1 * Double(image.width)))
            {
                let i = (y * image.width + x) * 3
                sum.0 += Double(image.rgb[i])
                sum.1 += Double(image.rgb[i + 1])
                sum.2 += Double(image.rgb[i + 2])
                count += 1
            }
        }
        return (sum.0 / count, sum.1 / count, sum.2 / count)
    }

    /// A scratch folder removed by the caller.
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "imaging-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
