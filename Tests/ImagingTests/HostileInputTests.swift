import Foundation
import Imaging
import Testing

/// The corpus's bad inputs, made at test time: each gives a recorded error or a damaged result,
/// never a crash or a hang.
@Suite("Hostile input")
struct HostileInputTests {
    @Test func emptyFile() throws {
        let error = try #require(throws: ImagingError.self) {
            try Fixtures.converter.analyze(bytes: [], path: "empty.jpg")
        }
        #expect(error.code == .unreadableInput)
        #expect(error.path == "empty.jpg")
    }

    @Test func textWithAnImageExtension() throws {
        let text = Array("This is not a JPEG, just text.\n".utf8)
        let error = try #require(throws: ImagingError.self) {
            try Fixtures.converter.analyze(bytes: text, path: "text.jpg")
        }
        #expect(error.code == .unreadableInput)
        #expect(error.detail?.contains("not an image") == true)
    }

    @Test func otherFilesAreUnsupported() throws {
        let error = try #require(throws: ImagingError.self) {
            try Fixtures.converter.analyze(bytes: Array("%PDF-1.4\n".utf8), path: "doc.pdf")
        }
        #expect(error.code == .unsupportedFormat)
    }

    @Test func truncatedJPEGIsDamagedNotHealthy() throws {
        let whole = try Fixtures.jpeg(width: 640, height: 480, seed: 9)
        let truncated = Array(whole.prefix(whole.count * 2 / 5))
        let analysis = try Fixtures.converter.analyze(bytes: truncated, path: "truncated.jpg")
        #expect(analysis.damaged)
        #expect(analysis.warnings.contains { $0.contains("Premature end of JPEG") }, "\(analysis.warnings)")
        let healthy = try Fixtures.converter.analyze(bytes: whole, path: "whole.jpg")
        #expect(!healthy.damaged)
        #expect(healthy.warnings.isEmpty)
    }

    @Test func garbageAfterAJPEGHeaderIsAnErrorWithImageMagicksText() throws {
        let header = Array(try Fixtures.jpeg(width: 64, height: 64).prefix(20))
        let bytes = header + [UInt8](repeating: 0x42, count: 200)
        let error = try #require(throws: ImagingError.self) {
            try Fixtures.converter.analyze(bytes: bytes, path: "bad.jpg")
        }
        #expect(error.code == .unreadableInput)
        #expect(error.detail?.isEmpty == false)
    }

    /// The measured bomb: a JPEG whose frame header claims 65500x65500 over a small image.
    @Test func jpegDeclaringHugeDimensionsIsRefusedBeforeDecoding() throws {
        var bytes = try Fixtures.jpeg(width: 320, height: 240)
        var index = 2
        while !(bytes[index] == 0xFF && (0xC0...0xC2).contains(bytes[index + 1])) {
            index += 2 + (Int(bytes[index + 2]) << 8 | Int(bytes[index + 3]))
        }
        for (offset, value) in [(5, 0xFF), (6, 0xDC), (7, 0xFF), (8, 0xDC)] { bytes[index + offset] = UInt8(value) }
        let error = try #require(throws: ImagingError.self) {
            try Fixtures.converter.analyze(bytes: bytes, path: "bomb.jpg")
        }
        #expect(error.code == .resourceLimit)
        #expect(error.detail?.contains("65500x65500") == true)
    }

    /// A PNG declaring 50000x50000 (2.5 Gpixel); its data need not even be complete.
    @Test func pngBombIsRefused() throws {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        png += Array("IHDR".utf8)
        png += [0, 0, 0xC3, 0x50, 0, 0, 0xC3, 0x50, 1, 0, 0, 0, 0]  // 50000 x 50000, 1-bit grey
        png += [0x3D, 0x6C, 0x4C, 0x57]  // CRC (not checked before refusal)
        png += [UInt8](repeating: 0, count: 64)
        let error = try #require(throws: ImagingError.self) {
            try Fixtures.converter.analyze(bytes: png, path: "bomb.png")
        }
        #expect(error.code == .resourceLimit)
    }

    @Test func limitsAreConfigurable() throws {
        // ImageMagick keeps one set of resource limits per process, set by the first converter made: started
        // first, this one's area of 10,000 pixels would send every other test's pixel cache to the disk, whose
        // 64 MiB the tests converting 2400x1600 images at once then exhausted ("cache resources exhausted").
        // The shared default converter is made first; this one's limits are checked per converter.
        _ = Fixtures.converter
        var configuration = ImagingConfiguration()
        configuration.limits.maxArea = 100 * 100
        let strict = ImageConverter(configuration: configuration)
        let error = try #require(throws: ImagingError.self) {
            try strict.analyze(bytes: try Fixtures.jpeg(width: 200, height: 150), path: "big.jpg")
        }
        #expect(error.code == .resourceLimit)
        _ = try strict.analyze(bytes: try Fixtures.jpeg(width: 100, height: 80), path: "fits.jpg")
    }

    @Test func aDeadlineInThePastStopsTheDecode() throws {
        var configuration = ImagingConfiguration()
        configuration.limits.secondsPerImage = -1
        let impatient = ImageConverter(configuration: configuration)
        let error = try #require(throws: ImagingError.self) {
            try impatient.analyze(bytes: try Fixtures.jpeg(width: 400, height: 300), path: "slow.jpg")
        }
        #expect(error.code == .resourceLimit)
        #expect(error.detail?.contains("time limit") == true)
    }

    @Test func hostileFileNamesAreJustNames() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bytes = try Fixtures.jpeg(width: 120, height: 80)
        for name in ["name with spaces\nand a newline.jpg", "ünïcödé-写真-📷.jpg", "msl:evil.jpg", "x.jpg[0]"] {
            let path = folder + "/" + name
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            let analysis = try Fixtures.converter.analyze(fileAt: path)
            #expect(analysis.metadata.width == 120, "\(name)")
        }
    }
}
