/// A 64-bit difference hash (dHash) of an image: each bit says whether a pixel of a 9×8 grey
/// thumbnail is brighter than its right neighbour. Resizing, recompression and small colour changes
/// keep most bits; different pictures differ in about half of them.
package struct PerceptualHash: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 64 bits, first row in the most significant byte.
    package var value: UInt64

    /// Wraps stored bits.
    package init(_ value: UInt64) {
        self.value = value
    }

    /// The hash of a 9×8 grey thumbnail given row by row (72 bytes).
    package init(gray9x8 pixels: [UInt8]) {
        precondition(pixels.count == 72, "dHash needs a 9x8 thumbnail")
        var bits: UInt64 = 0
        for row in 0..<8 {
            for column in 0..<8 {
                bits <<= 1
                if pixels[row * 9 + column] > pixels[row * 9 + column + 1] { bits |= 1 }
            }
        }
        value = bits
    }

    /// Number of differing bits: 0 for the same picture, ≲ 10 for a resized or recompressed copy.
    package func distance(to other: PerceptualHash) -> Int {
        (value ^ other.value).nonzeroBitCount
    }

    /// 16 hex digits.
    package var description: String {
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Parses 16 hex digits.
    package init?(hex: String) {
        guard hex.count == 16, let value = UInt64(hex, radix: 16) else { return nil }
        self.value = value
    }
}
