/// SplitMix64's step and finalizer as a pure function: a bijection of 64-bit values whose outputs look random. The
/// fault plans draw from it by request number (replayable), identifiers mix a counter through it (unique).
enum SplitMix64 {
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
