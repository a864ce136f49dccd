/// Azure Storage's CRC64 (`x-ms-content-crc64`, `x-ms-range-get-content-crc64`): CRC-64/NVME, the reflected
/// polynomial 0x9A6C9329AC4BC9B5 with all bits inverted before and after, sent as its 8 bytes little-endian in
/// base64. The same function as Microsoft's `azure-storage-extensions` (`checksums.crc64.compute`), which the
/// compatibility tests use as the independent reference.
///
/// Why it exists: it is the check Azure offers for the bytes of one transfer, and it costs a third of MD5. Sliced by
/// 16 (sixteen tables, sixteen bytes a step) it runs at about 2.4 GB/s on one core here, against MD5's 0.74 GB/s
/// (`openssl speed`) and SHA-256's 1.7 GB/s with SHA extensions; sliced by 8 it ran at 1.9 GB/s.
package struct CRC64: Sendable {
    /// The running value, as the caller sees it (already inverted back): 0 before any byte.
    package private(set) var value: UInt64

    /// A fresh checksum, or one continuing from the `value` of the bytes before (chunked input).
    package init(continuing value: UInt64 = 0) {
        self.value = value
    }

    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        value = Self.checksum(bytes, continuing: value)
    }

    /// The wire form: the 8 bytes little-endian.
    package var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    /// The checksum of `bytes`, of those after a prefix whose checksum was `value`.
    package static func checksum(_ bytes: UnsafeRawBufferPointer, continuing value: UInt64 = 0) -> UInt64 {
        guard var pointer = bytes.baseAddress else { return value }
        var remaining = bytes.count
        var crc = ~value
        tables.withUnsafeBufferPointer { table in
            let t = table.baseAddress!
            while remaining >= 16 {
                let low = crc ^ UInt64(littleEndian: pointer.loadUnaligned(as: UInt64.self))
                let high = UInt64(littleEndian: (pointer + 8).loadUnaligned(as: UInt64.self))
                crc = t[15 << 8 | Int(low & 0xFF)] ^ t[14 << 8 | Int(low >> 8 & 0xFF)]
                    ^ t[13 << 8 | Int(low >> 16 & 0xFF)] ^ t[12 << 8 | Int(low >> 24 & 0xFF)]
                    ^ t[11 << 8 | Int(low >> 32 & 0xFF)] ^ t[10 << 8 | Int(low >> 40 & 0xFF)]
                    ^ t[9 << 8 | Int(low >> 48 & 0xFF)] ^ t[8 << 8 | Int(low >> 56)]
                    ^ t[7 << 8 | Int(high & 0xFF)] ^ t[6 << 8 | Int(high >> 8 & 0xFF)]
                    ^ t[5 << 8 | Int(high >> 16 & 0xFF)] ^ t[4 << 8 | Int(high >> 24 & 0xFF)]
                    ^ t[3 << 8 | Int(high >> 32 & 0xFF)] ^ t[2 << 8 | Int(high >> 40 & 0xFF)]
                    ^ t[1 << 8 | Int(high >> 48 & 0xFF)] ^ t[Int(high >> 56)]
                pointer += 16
                remaining -= 16
            }
            while remaining > 0 {
                crc = t[Int((crc ^ UInt64(pointer.load(as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
                pointer += 1
                remaining -= 1
            }
        }
        return ~crc
    }

    /// Table k holds the effect of a byte followed by k zero bytes, so sixteen lookups advance sixteen bytes.
    private static let tables: [UInt64] = {
        let polynomial: UInt64 = 0x9A6C_9329_AC4B_C9B5
        var table = [UInt64](repeating: 0, count: 16 * 256)
        for byte in 0..<256 {
            var crc = UInt64(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            table[byte] = crc
        }
        for slice in 1..<16 {
            for byte in 0..<256 {
                let previous = table[(slice - 1) << 8 | byte]
                table[slice << 8 | byte] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }()
}
