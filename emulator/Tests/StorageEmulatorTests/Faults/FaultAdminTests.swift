import Foundation
import NIOCore
import Testing

@testable import StorageEmulator

#if canImport(Glibc)
import Glibc
#endif

/// The run-time control: GET shows the plan and counters, PUT replaces it, DELETE clears it; loopback only.
@Suite struct FaultAdminTests {
    @Test func getPutDelete() async throws {
        try await FaultTestBed.with { bed in
            let admin = bed.raw()
            let initial = try await admin.exchange("GET", "/_ironviper/faults")
            #expect(initial.status == 200)
            #expect(initial.headers["content-type"] == "application/json")
            #expect(initial.text.contains("\"rules\":[]"))

            let plan = #"{"seed": 99, "rules": [{"service": "blob", "method": "GET", "path": "/devstoreaccount1/faults/*", "rate": 1, "kinds": ["503"], "retryAfter": 3}]}"#
            let put = try await admin.exchange("PUT", "/_ironviper/faults", body: Array(plan.utf8))
            #expect(put.status == 200)
            #expect(bed.emulator.faults.plan.seed == 99)
            #expect(bed.emulator.faults.plan.rules == [
                FaultRule(service: .blob, method: "GET", path: "/devstoreaccount1/faults/*", rate: 1, kinds: [.serverBusy], retryAfterSeconds: 3)
            ])
            let faulted = try await bed.getBlob("nothing")
            #expect(faulted.status == 503)
            #expect(faulted.headers["retry-after"] == "3")

            let shown = try await admin.exchange("GET", "/_ironviper/faults")
            #expect(shown.text.contains("\"seed\":99"))
            #expect(shown.text.contains("\"requests\":1"))
            #expect(shown.text.contains("\"503\":1"))
            // What GET returns can be PUT back as it is.
            #expect(try await admin.exchange("PUT", "/_ironviper/faults", body: shown.body).status == 200)
            #expect(bed.emulator.faults.plan.rules.count == 1)

            let cleared = try await admin.exchange("DELETE", "/_ironviper/faults")
            #expect(cleared.status == 200)
            #expect(bed.emulator.faults.plan.rules.isEmpty)
            #expect(try await bed.getBlob("nothing").status == 404)
        }
    }

    /// A bad plan is refused with a message naming the bad part, and the plan in force stays.
    @Test func badPlanIsRefused() async throws {
        try await FaultTestBed.with { bed in
            bed.emulator.faults.replace(with: FaultPlan(seed: 5, rules: [FaultRule(rate: 0.5, kinds: [.latency])]))
            let reply = try await bed.raw(.queue).exchange(
                "PUT", "/_ironviper/faults", body: Array(#"{"rules": [{"rate": 0.1, "kinds": ["502"]}]}"#.utf8))
            #expect(reply.status == 400)
            #expect(reply.text.contains("rules[0]"))
            #expect(reply.text.contains("'502'"))
            #expect(bed.emulator.faults.plan.rules == [FaultRule(rate: 0.5, kinds: [.latency])])
            // Admin requests are not storage requests: they never count and never meet a fault.
            #expect(bed.emulator.faults.counters.requests == 0)
        }
    }

    @Test func loopbackAddresses() throws {
        #expect(EmulatorRequestContext.isLoopback(try SocketAddress(ipAddress: "127.0.0.1", port: 1)))
        #expect(EmulatorRequestContext.isLoopback(try SocketAddress(ipAddress: "127.8.9.10", port: 1)))
        #expect(EmulatorRequestContext.isLoopback(try SocketAddress(ipAddress: "::1", port: 1)))
        #expect(EmulatorRequestContext.isLoopback(try SocketAddress(ipAddress: "::ffff:127.0.0.1", port: 1)))
        #expect(!EmulatorRequestContext.isLoopback(try SocketAddress(ipAddress: "192.0.2.2", port: 1)))
        #expect(!EmulatorRequestContext.isLoopback(try SocketAddress(ipAddress: "10.1.2.3", port: 1)))
        #expect(!EmulatorRequestContext.isLoopback(try SocketAddress(ipAddress: "fd00::2", port: 1)))
        #expect(!EmulatorRequestContext.isLoopback(nil))
    }

    /// Over the wire from this machine's own non-loopback address (the emulator listening on 0.0.0.0): 403.
    @Test(.enabled(if: Self.nonLoopbackAddress() != nil, "this machine has no non-loopback IPv4 address"))
    func nonLoopbackPeerIsRefused() async throws {
        let address = try #require(Self.nonLoopbackAddress())
        var configuration = EmulatorConfiguration.ephemeral()
        configuration.blob.host = "0.0.0.0"
        configuration.services = [.blob]
        let emulator = try await RunningEmulator.start(configuration: configuration)
        do {
            let remote = RawHTTPClient(host: address, port: emulator.ports[.blob] ?? 0)
            let refused = try await remote.exchange("DELETE", "/_ironviper/faults")
            #expect(refused.status == 403)
            let put = try await remote.exchange("PUT", "/_ironviper/faults", body: Array(#"{"rules":[{"rate":1,"kinds":["500"]}]}"#.utf8))
            #expect(put.status == 403)
            #expect(emulator.faults.plan.rules.isEmpty)
            let local = RawHTTPClient(port: emulator.ports[.blob] ?? 0)
            #expect(try await local.exchange("GET", "/_ironviper/faults").status == 200)
        } catch {
            await emulator.shutdown()
            throw error
        }
        await emulator.shutdown()
    }

    static func nonLoopbackAddress() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            let v4 = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
            guard UInt32(bigEndian: v4.sin_addr.s_addr) >> 24 != 127 else { continue }
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            var raw = v4.sin_addr
            guard inet_ntop(AF_INET, &raw, &text, socklen_t(INET_ADDRSTRLEN)) != nil else { continue }
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return nil
    }
}
