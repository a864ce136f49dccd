import Foundation
import Testing

@testable import StorageEmulator

/// The command-line and JSON forms of a plan, and the errors that name what is wrong.
@Suite struct FaultSpecTests {
    @Test func fullSpec() throws {
        let rule = try FaultRule(
            spec: "blob:put:/devstoreaccount1/file-store/*:rate=0.1:kinds=500,503,reset:phase=after:comp=block:latency=20:retry-after=4")
        #expect(rule == FaultRule(
            service: .blob, method: "PUT", path: "/devstoreaccount1/file-store/*", comp: "block", rate: 0.1,
            kinds: [.internalError, .serverBusy, .reset], phase: .after, latencyMilliseconds: 20, retryAfterSeconds: 4))
    }

    @Test func wildcardsAndDefaults() throws {
        let rule = try FaultRule(spec: "*:*:*:rate=1:kinds=truncate,reset-mid-body,408,latency")
        #expect(rule.service == nil && rule.method == nil && rule.path == "*" && rule.comp == nil)
        #expect(rule.phase == .before && rule.latencyMilliseconds == 100 && rule.retryAfterSeconds == 1)
        #expect(rule.kinds == [.truncate, .resetMidBody, .timedOut, .latency])
    }

    @Test(arguments: [
        ("blob:PUT", "needs at least SERVICE:METHOD:PATH"),
        ("blobs:PUT:*:rate=0.1:kinds=500", "unknown service 'blobs'"),
        ("blob:PUT:*:rate=abc:kinds=500", "rate 'abc' is not a number"),
        ("blob:PUT:*:rate=1.5:kinds=500", "rate=1.5 is not between 0 and 1"),
        ("blob:PUT:*:rate=0.1:kinds=500,502", "unknown fault kind '502'"),
        ("blob:PUT:*:rate=0.1", "kinds= is missing"),
        ("blob:PUT:*:kinds=500", "rate= is missing"),
        ("blob:PUT:*:rate=0.1:kinds=500:phase=during", "phase 'during' is not before or after"),
        ("blob:PUT:*:rate=0.1:kinds=500:sometimes", "'sometimes' is not key=value"),
        ("blob:PUT:*:rate=0.1:kinds=500:color=red", "unknown key 'color'"),
        ("blob:PUT:*:rate=0.1:kinds=latency:latency=-5", "latency=-5 ms is negative"),
        ("blob:P T:*:rate=0.1:kinds=500", "method 'P T' is not an HTTP method"),
    ])
    func badSpec(spec: String, message: String) {
        #expect {
            try FaultRule(spec: spec)
        } throws: { error in
            let text = (error as? EmulatorConfigurationError)?.description ?? ""
            return text.contains(message) && text.contains(spec)
        }
    }

    @Test func jsonRoundTrip() throws {
        let plan = FaultPlan(seed: 18_446_744_073_709_551_615, rules: [
            FaultRule(service: .queue, method: "POST", path: "/devstoreaccount1/extract-queue/messages", rate: 0.3,
                kinds: [.serverBusy, .truncate], phase: .after, latencyMilliseconds: 7, retryAfterSeconds: 0),
            FaultRule(comp: "none", rate: 1, kinds: [.latency]),
        ])
        let parsed = try FaultPlan(json: Array(plan.json().utf8))
        #expect(parsed == plan)
    }

    @Test(arguments: [
        (#"[1]"#, "not a JSON object"),
        (#"{"rules": [{"rate": 0.1, "kinds": ["500"], "pth": "/x"}]}"#, "rules[0]: unexpected member 'pth'"),
        (#"{"rules": [{"kinds": ["500"]}]}"#, "rules[0]: rate is missing"),
        (#"{"rules": [{"rate": 0.5}, {"rate": 2, "kinds": ["500"]}]}"#, "rules[0]: kinds is missing"),
        (#"{"seed": -1, "rules": []}"#, "seed -1"),
        (#"{"rules": [{"rate": 0.1, "kinds": ["reset"], "phase": "later"}]}"#, "phase 'later'"),
        (#"{"rules": "#, "invalid JSON"),
        (#"{"rulez": []}"#, "unexpected member 'rulez'"),
    ])
    func badJSON(json: String, message: String) {
        #expect {
            try FaultPlan(json: Array(json.utf8))
        } throws: { error in
            ((error as? EmulatorConfigurationError)?.description ?? "").contains(message)
        }
    }

    /// The emulator takes its first plan from its configuration, as the daemon and tests start it in-process.
    @Test func planFromConfiguration() async throws {
        var configuration = EmulatorConfiguration.ephemeral()
        configuration.faults = FaultPlan(seed: 3, rules: [try FaultRule(spec: "queue:*:*:rate=1:kinds=408")])
        let emulator = try await RunningEmulator.start(configuration: configuration)
        do {
            let reply = try await RawHTTPClient(port: emulator.ports[.queue] ?? 0).exchange("GET", "/devstoreaccount1?comp=list")
            #expect(reply.status == 408)
            #expect(reply.headers["x-ms-error-code"] == "OperationTimedOut")
            #expect(emulator.faults.counters.injected[.timedOut] == 1)
        } catch {
            await emulator.shutdown()
            throw error
        }
        await emulator.shutdown()
    }
}
