/// SplitMix64 as a pure function of (seed, request number, rule, draw): a decision never depends on thread timing
/// or on how many draws earlier requests made, so one seed and one request sequence replay the same faults.
enum FaultRandom {
    /// A 64-bit value for one draw of one rule on one request.
    static func value(seed: UInt64, request: UInt64, rule: Int, draw: UInt64) -> UInt64 {
        let mix = SplitMix64.mix
        return mix(mix(mix(seed ^ mix(request)) ^ UInt64(truncatingIfNeeded: rule)) ^ draw)
    }

    /// A uniform double in [0, 1) from the top 53 bits.
    static func unit(seed: UInt64, request: UInt64, rule: Int, draw: UInt64) -> Double {
        Double(value(seed: seed, request: request, rule: rule, draw: draw) >> 11) / Double(UInt64(1) << 53)
    }
}
