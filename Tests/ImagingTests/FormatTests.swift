import Foundation
import Imaging
import Testing

@Suite("Formats")
struct FormatTests {
    @Test(arguments: [("PNG", ImageFormat.png), ("TIFF", .tiff), ("GIF", .gif), ("WEBP", .webp), ("JPEG", .jpeg)])
    func decodableFormats(coder: String, format: ImageFormat) throws {
        var image = SyntheticImage(width: 360, height: 240, seed: 4)
        image.exif = coder == "JPEG" ? ExifBlob() : nil
        let bytes = try image.encode(format: coder)
        #expect(ImageFormat.sniff(bytes.prefix(32), fileExtension: "bin") == format)
        let analysis = try Fixtures.converter.analyze(bytes: bytes, path: "photo.\(coder.lowercased())")
        #expect(analysis.metadata.format == format)
        #expect(analysis.metadata.width == 360 && analysis.metadata.height == 240)
        #expect(analysis.renditions.count == RenditionSpec.seedSet.count)
        #expect(try ImageProbe.info(analysis.renditions[0].jpeg).format == "JPEG")
    }

    @Test func animatedGIFUsesTheFirstFrame() throws {
        var image = SyntheticImage(width: 200, height: 120, seed: 13)
        image.extraFrames = 2
        let bytes = try image.encode(format: "GIF")
        let analysis = try Fixtures.converter.analyze(bytes: bytes, path: "anim.gif")
        let pixels = try Fixtures.pixels(of: analysis.renditions[0].jpeg)
        // The first frame has the yellow marker; the negated frames would show it blue.
        let marker = Fixtures.meanColor(pixels, x0: 0.08, y0: 0.065, x1: 0.30, y1: 0.11)
        #expect(marker.r > 180 && marker.g > 140 && marker.b < 120, "\(marker)")
    }

    /// HEIC (libheif with libde265) is read by Debian's ImageMagick; this build can also write it
    /// (x265), which lets the test make its own fixture.
    @Test func heic() throws {
        let bytes = try SyntheticImage(width: 256, height: 160, seed: 8).encode(format: "HEIC", quality: 80)
        #expect(ImageFormat.sniff(bytes.prefix(32), fileExtension: "heic") == .heic)
        let analysis = try Fixtures.converter.analyze(bytes: bytes, path: "photo.heic")
        #expect(analysis.metadata.format == .heic)
        #expect(analysis.metadata.width == 256 && analysis.metadata.height == 160)
        #expect(!analysis.renditions.isEmpty)
    }

    @Test func cmykIsConvertedToRGB() throws {
        var image = SyntheticImage(width: 200, height: 100, seed: 6)
        image.cmyk = true
        let bytes = try image.encode(format: "JPEG")
        #expect(try ImageProbe.info(bytes).cmyk)
        let analysis = try Fixtures.converter.analyze(bytes: bytes, path: "cmyk.jpg")
        let preview = try ImageProbe.info(analysis.renditions[0].jpeg)
        #expect(!preview.cmyk)
        // The yellow marker survives the round trip through CMYK as yellow.
        let marker = Fixtures.meanColor(
            try Fixtures.pixels(of: analysis.renditions[0].jpeg), x0: 0.08, y0: 0.065, x1: 0.30, y1: 0.11)
        #expect(marker.r > 180 && marker.g > 140 && marker.b < 120, "\(marker)")
    }

    /// A photo tagged Adobe RGB is converted to sRGB (the pixel values change) and the profile dropped.
    @Test func otherColourProfilesAreConvertedToSRGB() throws {
        let adobe = try #require(FileManager.default.contents(atPath: "/usr/share/color/icc/ghostscript/a98.icc"))
        var tagged = SyntheticImage(width: 200, height: 100, seed: 12)
        tagged.iccProfile = [UInt8](adobe)
        let plain = SyntheticImage(width: 200, height: 100, seed: 12)
        let a = try Fixtures.converter.analyze(bytes: try tagged.encode(format: "PNG"), path: "adobe.png")
        let b = try Fixtures.converter.analyze(bytes: try plain.encode(format: "PNG"), path: "plain.png")
        #expect(a.metadata.raw["icc:description"]?.isEmpty == false)
        #expect(try ImageProbe.info(a.renditions[0].jpeg).profiles.isEmpty)
        let converted = Fixtures.meanColor(
            try Fixtures.pixels(of: a.renditions[0].jpeg), x0: 0.5, y0: 0.5, x1: 0.9, y1: 0.9)
        let untouched = Fixtures.meanColor(
            try Fixtures.pixels(of: b.renditions[0].jpeg), x0: 0.5, y0: 0.5, x1: 0.9, y1: 0.9)
        let difference =
            abs(converted.r - untouched.r) + abs(converted.g - untouched.g) + abs(converted.b - untouched.b)
        #expect(difference > 3, "Adobe RGB pixels should be remapped into sRGB, difference \(difference)")
    }

    @Test func sniffing() {
        #expect(ImageFormat.sniff([0xFF, 0xD8, 0xFF, 0xE0], fileExtension: "png") == .jpeg)  // content wins
        #expect(ImageFormat.sniff(Array("II*\0".utf8), fileExtension: "nef") == .raw)
        #expect(ImageFormat.sniff(Array("II*\0".utf8), fileExtension: "tif") == .tiff)
        #expect(ImageFormat.sniff(Array("hello".utf8), fileExtension: "txt") == .other)
        #expect(ImageFormat.sniff([], fileExtension: "jpg") == .other)
    }
}
