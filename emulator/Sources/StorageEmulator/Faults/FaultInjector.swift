import NIOConcurrencyHelpers

/// How many requests a plan has seen and how many faults of each kind it injected.
public struct FaultCounters: Sendable, Equatable {
    /// Requests the plan saw (admin requests excluded); also the number the next request gets.
    public var requests: UInt64 = 0
    /// Faults injected, by kind.
    public var injected: [FaultKind: UInt64] = [:]

    /// Every fault injected, of any kind.
    public var totalInjected: UInt64 { injected.values.reduce(0, +) }
}

/// The emulator's live fault plan, shared by its services and replaced at run time through the admin endpoint.
///
/// Requests are numbered in the order they reach the injector; the number and the seed alone decide a request's
/// fault, so a replay of the same request sequence (one client, requests one after another) meets the same faults.
public final class FaultInjector: Sendable {
    private struct State {
        var plan: FaultPlan
        var counters = FaultCounters()
    }
    private let state: NIOLockedValueBox<State>

    /// An injector with `plan` in force (none by default).
    public init(plan: FaultPlan = .none) {
        state = NIOLockedValueBox(State(plan: plan))
    }

    /// The plan in force.
    public var plan: FaultPlan { state.withLockedValue { $0.plan } }

    /// What the plan in force has seen and done so far.
    public var counters: FaultCounters { state.withLockedValue { $0.counters } }

    /// Puts a new plan in force; its request numbering and counters start from zero, so its replay starts here.
    public func replace(with plan: FaultPlan) {
        state.withLockedValue { $0 = State(plan: plan) }
    }

    /// Stops injecting (the seed is kept, the rules and counters are dropped).
    public func clear() {
        state.withLockedValue { $0 = State(plan: FaultPlan(seed: $0.plan.seed)) }
    }

    /// Numbers the request and returns its fault, if the plan gives it one; counts both. `target` (the decoded path
    /// and the `comp` parameter) is asked for only when the plan has rules: parsing the URL for a plan without any
    /// was 2 % of a small GET's CPU.
    func decide(
        service: ServiceKind, method: String, target: () -> (path: String, comp: String?)
    ) -> FaultDecision? {
        state.withLockedValue { state in
            let index = state.counters.requests
            state.counters.requests += 1
            guard !state.plan.rules.isEmpty else { return nil }
            let (path, comp) = target()
            guard let decision = state.plan.decide(index: index, service: service, method: method, path: path, comp: comp)
            else { return nil }
            state.counters.injected[decision.kind, default: 0] += 1
            return decision
        }
    }

    /// The plan and counters as the admin endpoint's JSON.
    func json() -> String {
        let (plan, counters) = state.withLockedValue { ($0.plan, $0.counters) }
        return plan.json(counters: counters)
    }
}
