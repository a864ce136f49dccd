/// Reads the dimensions a PNG, JPEG or GIF header declares, without ImageMagick: a bomb is refused
/// before any decoder runs, and with a clear message even where ImageMagick's PNG reader gives up
/// silently (libpng's user limits leave no exception text).
enum DeclaredSize {
    static func of(_ bytes: UnsafeRawBufferPointer, format: ImageFormat) -> PixelSize? {
        func u16be(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
        func u16le(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32be(_ at: Int) -> Int { u16be(at) << 16 | u16be(at + 2) }
        switch format {
        case .png:
            // Signature (8), IHDR length (4) and type (4), then width and height.
            guard bytes.count >= 24 else { return nil }
            return PixelSize(width: u32be(16), height: u32be(20))
        case .gif:
            guard bytes.count >= 10 else { return nil }
            return PixelSize(width: u16le(6), height: u16le(8))
        case .jpeg:
            // Walk the marker segments to the first start-of-frame (SOF0…SOF15 but DHT, JPG, DAC).
            var index = 2
            while index + 9 < bytes.count {
                guard bytes[index] == 0xFF else { return nil }
                let marker = bytes[index + 1]
                if marker == 0xFF {
                    index += 1
                    continue
                }
                let length = u16be(index + 2)
                if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                    return PixelSize(width: u16be(index + 7), height: u16be(index + 5))
                }
                if marker == 0xDA || length < 2 { return nil }  // scan data before any frame header
                index += 2 + length
            }
            return nil
        default:
            return nil
        }
    }
}
