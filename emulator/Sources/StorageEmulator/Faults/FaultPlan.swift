/// What the emulator injects: a seed and an ordered list of rules. For each request the rules are tried in order
/// and the first that matches and strikes decides; the dice come from the seed and the request's number in the
/// plan, so the same seed and the same sequence of requests replay the same faults exactly.
public struct FaultPlan: Sendable, Equatable {
    /// Where the dice come from: record it to replay a run.
    public var seed: UInt64
    /// Tried in order for every request.
    public var rules: [FaultRule]

    /// A plan; the default injects nothing.
    public init(seed: UInt64 = 0, rules: [FaultRule] = []) {
        self.seed = seed
        self.rules = rules
    }

    /// A plan that injects nothing.
    public static let none = FaultPlan()

    /// Whether any rule could strike.
    public var isActive: Bool { rules.contains { $0.rate > 0 } }

    /// The fault for request number `index` (0-based, counted over every request the plan saw), if any.
    func decide(index: UInt64, service: ServiceKind, method: String, path: String, comp: String?) -> FaultDecision? {
        for (number, rule) in rules.enumerated() where rule.matches(service: service, method: method, path: path, comp: comp) {
            let roll = FaultRandom.unit(seed: seed, request: index, rule: number, draw: 0)
            guard roll < rule.rate else { continue }
            let pick = FaultRandom.value(seed: seed, request: index, rule: number, draw: 1)
            let kind = rule.kinds[Int(pick % UInt64(rule.kinds.count))]
            return FaultDecision(kind: kind, phase: rule.phase, ruleIndex: number, request: index, rule: rule)
        }
        return nil
    }
}

/// The fault chosen for one request.
struct FaultDecision: Sendable, Equatable {
    var kind: FaultKind
    var phase: FaultPhase
    /// The index of the rule that struck, for logs.
    var ruleIndex: Int
    /// The request's number in the plan, for logs and replay.
    var request: UInt64
    var rule: FaultRule

    var latency: Duration { .milliseconds(rule.latencyMilliseconds) }
    var retryAfterSeconds: Int { rule.retryAfterSeconds }
}
