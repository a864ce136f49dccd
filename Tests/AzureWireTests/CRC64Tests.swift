import AzureWire
import Testing

/// Values from Microsoft's own implementation (`azure-storage-extensions`, `checksums.crc64.compute(data, 0)`),
/// which the compatibility tests also run against the emulator's answers.
@Suite struct CRC64Tests {
    @Test(arguments: [
        ("", 0x0000_0000_0000_0000),
        ("a", 0x8C2F_8445_B4CB_FC3C),
        ("123456789", 0xAE8B_1486_0A79_9888),
    ] as [(String, UInt64)])
    func knownValues(_ text: String, _ expected: UInt64) {
        #expect(Array(text.utf8).withUnsafeBytes { CRC64.checksum($0) } == expected)
    }

    /// Long enough for the sixteen-byte steps and a tail: 4,352 bytes (0…255 seventeen times), and 4,096 zeros
    /// (a checksum that only xored bytes would give 0).
    @Test func longInputs() {
        let ramp = [UInt8]((0..<17).flatMap { _ in 0...255 })
        #expect(ramp.withUnsafeBytes { CRC64.checksum($0) } == 0xB92B_12AA_166B_D795)
        #expect([UInt8](repeating: 0, count: 4096).withUnsafeBytes { CRC64.checksum($0) } == 0x6482_D367_EB22_B64E)
    }

    /// Fed in pieces of every size from 1 to 40 bytes, the checksum is the one of the whole: a download checks a
    /// range as the socket hands it over, in whatever pieces arrive.
    @Test func piecesAddUpToTheWhole() {
        let bytes = [UInt8]((0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let whole = bytes.withUnsafeBytes { CRC64.checksum($0) }
        for size in 1...40 {
            var crc = CRC64()
            for start in stride(from: 0, to: bytes.count, by: size) {
                bytes[start..<min(start + size, bytes.count)].withUnsafeBytes { crc.update($0) }
            }
            #expect(crc.value == whole, "pieces of \(size)")
        }
    }

    /// The header carries the 8 bytes little-endian: "123456789" is `iJh5CoYUi64=` on the wire.
    @Test func wireBytesAreLittleEndian() {
        var crc = CRC64()
        Array("123456789".utf8).withUnsafeBytes { crc.update($0) }
        #expect(crc.bytes == [0x88, 0x98, 0x79, 0x0A, 0x86, 0x14, 0x8B, 0xAE])
    }
}
