import Foundation
import Imaging
import Testing

/// Camera RAW through Debian's dcraw (ImageMagick's own RAW delegate, ufraw-batch, is not in Debian 12).
@Suite("RAW")
struct RawTests {
    /// A minimal DNG: one uncompressed 8-bit LinearRaw strip, camera make and model, a capture time.
    static func dng(width: Int, height: Int) -> [UInt8] {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width { pixels += [UInt8(x * 255 / width), UInt8(y * 255 / height), 128] }
        }
        let make = Array("Canon\0".utf8)
        let model = Array("Canon EOS 5D Mark IV\0".utf8)
        let stamp = Array("2021:05:06 07:08:09\0".utf8)
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16) }
        // (tag, type, count, inline value or out-of-line bytes)
        var tags: [(Int, Int, Int, [UInt8])] = [
            (254, 4, 1, u32(0)), (256, 3, 1, u16(width)), (257, 3, 1, u16(height)),
            (258, 3, 3, u16(8) + u16(8) + u16(8)),
            (259, 3, 1, u16(1)), (262, 3, 1, u16(34892)), (271, 2, make.count, make), (272, 2, model.count, model),
            (273, 4, 1, u32(0)), (274, 3, 1, u16(1)), (277, 3, 1, u16(3)), (278, 3, 1, u16(height)),
            (279, 4, 1, u32(pixels.count)), (284, 3, 1, u16(1)), (306, 2, stamp.count, stamp),
            (50706, 1, 4, [1, 4, 0, 0]), (50708, 2, model.count, model),
        ]
        let dataStart = 8 + 2 + tags.count * 12 + 4
        var extra: [UInt8] = []
        var entries: [UInt8] = []
        let stripIndex = tags.firstIndex { $0.0 == 273 }!
        var outOfLine: [Int: Int] = [:]
        for (index, tag) in tags.enumerated() where tag.3.count > 4 {
            outOfLine[index] = dataStart + extra.count
            extra += tag.3 + (tag.3.count % 2 == 1 ? [0] : [])
        }
        tags[stripIndex].3 = u32(dataStart + extra.count)
        for (index, tag) in tags.enumerated() {
            entries += u16(tag.0) + u16(tag.1) + u32(tag.2)
            entries += outOfLine[index].map(u32) ?? (tag.3 + [UInt8](repeating: 0, count: 4 - tag.3.count))
        }
        return Array("II*\0".utf8) + u32(8) + u16(tags.count) + entries + u32(0) + extra + pixels
    }

    @Test func dngGetsPreviewsAndMetadataThroughDcraw() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/IMG_0001.dng"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(Self.dng(width: 96, height: 64))))
        let analysis = try Fixtures.converter.analyze(fileAt: path)
        #expect(analysis.metadata.format == .raw)
        #expect(analysis.metadata.cameraModel?.contains("EOS 5D Mark IV") == true)
        #expect(analysis.metadata.takenAt == "2021-05-06T07:08:09")
        #expect(analysis.metadata.raw["raw:DNG Version"] == "1.4.0.0")
        let hd = try #require(analysis.renditions.first { $0.name == "hd" })
        let info = try ImageProbe.info(hd.jpeg)
        #expect(info.format == "JPEG")
        #expect(info.size.width > 0 && info.size.width <= 96)
    }

    @Test func aRawExtensionOnGarbageIsAnError() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/broken.nef"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(Array("II*\0garbage".utf8))))
        let error = try #require(throws: ImagingError.self) { try Fixtures.converter.analyze(fileAt: path) }
        #expect(error.code == .unreadableInput || error.code == .decoderFailed)
        #expect(error.detail?.isEmpty == false)
    }
}
