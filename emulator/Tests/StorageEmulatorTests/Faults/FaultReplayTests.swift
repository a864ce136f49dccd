import Foundation
import Testing

@testable import StorageEmulator

/// The same seed and the same sequence of requests meet the same faults, in two separate emulators.
@Suite struct FaultReplayTests {
    static func plan(seed: UInt64) -> FaultPlan {
        FaultPlan(seed: seed, rules: [
            FaultRule(service: .blob, rate: 0.4, kinds: [.internalError, .serverBusy, .timedOut, .reset, .truncate, .latency],
                latencyMilliseconds: 1)
        ])
    }

    /// What a client could see of one request: status, how the connection ended, whether the body was whole.
    static func outcomes(seed: UInt64) async throws -> (seen: [String], counters: FaultCounters) {
        var seen: [String] = []
        var counters = FaultCounters()
        try await FaultTestBed.with { bed in
            #expect(try await bed.putBlob("b", FaultTestBed.pattern(20_000)).status == 201)
            bed.emulator.faults.replace(with: plan(seed: seed))
            for step in 0..<30 {
                let reply = step % 3 == 2
                    ? try await bed.putBlob("w\(step)", FaultTestBed.pattern(1000, salt: UInt8(step)))
                    : try await bed.getBlob("b")
                let whole = reply.contentLength.map { $0 == reply.body.count } ?? true
                seen.append("\(reply.status ?? 0)/\(reply.ending)/\(whole ? "whole" : "cut")")
            }
            counters = bed.emulator.faults.counters
        }
        return (seen, counters)
    }

    @Test func sameSeedSameFaults() async throws {
        let first = try await Self.outcomes(seed: 42)
        let second = try await Self.outcomes(seed: 42)
        #expect(first.seen == second.seen)
        #expect(first.counters == second.counters)
        #expect(first.counters.requests == 30)
        // The plan did something and left something alone, so the equality above means something.
        #expect(first.counters.totalInjected > 0 && first.counters.totalInjected < 30)
        let other = try await Self.outcomes(seed: 43)
        #expect(other.seen != first.seen)
    }

    /// Decisions are a pure function of seed and request number, and the rate holds over many requests.
    @Test func decisionsArePureAndFollowTheRate() {
        let plan = FaultPlan(seed: 7, rules: [FaultRule(rate: 0.25, kinds: [.internalError, .reset])])
        let decide = { (index: UInt64) in plan.decide(index: index, service: .blob, method: "GET", path: "/a/b", comp: nil) }
        let hits = (0..<4000).compactMap { decide(UInt64($0)) }
        #expect(hits.count > 800 && hits.count < 1200, "\(hits.count) of 4000 at rate 0.25")
        #expect(Set(hits.map(\.kind)) == [.internalError, .reset])
        #expect((0..<200).map { decide(UInt64($0)) } == (0..<200).map { decide(UInt64($0)) })
    }

    /// Rules are tried in order; the first that matches and strikes decides.
    @Test func firstStrikingRuleWins() {
        let plan = FaultPlan(seed: 1, rules: [
            FaultRule(path: "/a/*", rate: 0, kinds: [.reset]),
            FaultRule(method: "GET", rate: 1, kinds: [.timedOut]),
            FaultRule(rate: 1, kinds: [.internalError]),
        ])
        #expect(plan.decide(index: 0, service: .blob, method: "GET", path: "/a/b", comp: nil)?.kind == .timedOut)
        #expect(plan.decide(index: 0, service: .queue, method: "PUT", path: "/a/b", comp: nil)?.kind == .internalError)
    }

    @Test(arguments: [
        ("/devstoreaccount1/file-store/*", "/devstoreaccount1/file-store/ab/cd.jpg", true),
        ("/devstoreaccount1/file-store/*", "/devstoreaccount1/pv-store/x", false),
        ("*/pv-store/*/hd.jpg", "/devstoreaccount1/pv-store/abc/hd.jpg", true),
        ("/a/?", "/a/b", true), ("/a/?", "/a/bc", false), ("*", "", true), ("/a", "/a/", false),
    ])
    func globs(pattern: String, path: String, matches: Bool) {
        #expect(FaultGlob(pattern).matches(path) == matches)
    }
}
