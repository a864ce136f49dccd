import Imaging
import Testing

@Suite("Perceptual hash")
struct PerceptualHashTests {
    private func hash(_ bytes: [UInt8], _ name: String) throws -> PerceptualHash {
        try Fixtures.converter.analyze(bytes: bytes, path: name).perceptualHash
    }

    @Test func stableUnderResizeAndRecompression() throws {
        let original = try hash(try Fixtures.jpeg(width: 1200, height: 800, seed: 11, quality: 95), "a.jpg")
        let smaller = try hash(try Fixtures.jpeg(width: 600, height: 400, seed: 11, quality: 95), "b.jpg")
        let recompressed = try hash(try Fixtures.jpeg(width: 1200, height: 800, seed: 11, quality: 40), "c.jpg")
        var png = SyntheticImage(width: 900, height: 600, seed: 11)
        png.orientation = 1
        let asPNG = try hash(try png.encode(format: "PNG"), "d.png")
        #expect(original.distance(to: smaller) <= 6, "resize: \(original) vs \(smaller)")
        #expect(original.distance(to: recompressed) <= 6, "recompress: \(original) vs \(recompressed)")
        #expect(original.distance(to: asPNG) <= 6, "png: \(original) vs \(asPNG)")
    }

    @Test func sameUprightPictureWhateverTheOrientation() throws {
        let upright = try hash(try Fixtures.jpeg(width: 600, height: 400, seed: 5, orientation: 1), "1.jpg")
        for orientation in 2...8 {
            let turned = try hash(
                try Fixtures.jpeg(width: 600, height: 400, seed: 5, orientation: orientation), "o.jpg")
            #expect(upright.distance(to: turned) <= 6, "orientation \(orientation)")
        }
    }

    @Test func differentPicturesDiffer() throws {
        var hashes: [PerceptualHash] = []
        for seed in UInt32(20)..<UInt32(28) {
            hashes.append(try hash(try Fixtures.jpeg(width: 400, height: 300, seed: seed), "s\(seed).jpg"))
        }
        for i in hashes.indices {
            for j in hashes.indices where j > i {
                #expect(hashes[i].distance(to: hashes[j]) > 10, "seeds \(i) and \(j): \(hashes[i]) \(hashes[j])")
            }
        }
    }

    @Test func bitsAndHex() throws {
        let pixels = (0..<72).map { UInt8(($0 % 9) * 20) }  // every row rising: no bit set
        #expect(PerceptualHash(gray9x8: pixels).value == 0)
        let falling = (0..<72).map { UInt8(200 - ($0 % 9) * 20) }
        #expect(PerceptualHash(gray9x8: falling).value == .max)
        let hash = PerceptualHash(0x0123_4567_89ab_cdef)
        #expect(hash.description == "0123456789abcdef")
        #expect(PerceptualHash(hex: hash.description) == hash)
        #expect(hash.distance(to: PerceptualHash(0x0123_4567_89ab_cdee)) == 1)
    }
}
