/// SplitMix64 as a pure function of (seed, request number, rule, draw): a decision never depends on thread timing
/// or on how many draws earlier requests made, so one seed and one request sequence replay the same faults.
enum FaultRandom {
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A 64-bit value for one draw of one rule on one request.
    static func value(seed: UInt64, request: UInt64, rule: Int, draw: UInt64) -> UInt64 {
        mix(mix(mix(seed ^ mix(request)) ^ UInt64(truncatingIfNeeded: rule)) ^ draw)
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    static func unit(seed: UInt64, request: UInt64, rule: Int, draw: UInt64) -> Double {
        Double(value(seed: seed, request: request, rule: rule, draw: draw) >> 11) / Double(UInt64(1) << 53)
    }
}
