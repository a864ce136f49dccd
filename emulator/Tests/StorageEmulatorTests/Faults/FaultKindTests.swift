import Foundation
import Testing

@testable import StorageEmulator

/// Every kind of fault, observed on a real socket with a raw HTTP client.
@Suite struct FaultKindTests {
    static let size = 100 * 1024

    /// Answers in Azure's shape: the status, `x-ms-error-code`, the code in the XML body, and `Retry-After` for 503.
    @Test(arguments: [
        (FaultKind.internalError, 500, "InternalError"), (.serverBusy, 503, "ServerBusy"), (.timedOut, 408, "OperationTimedOut"),
    ])
    func errorStatuses(kind: FaultKind, status: Int, code: String) async throws {
        try await FaultTestBed.with { bed in
            _ = try await bed.putBlob("b", FaultTestBed.pattern(Self.size))
            bed.emulator.faults.replace(with: FaultTestBed.always(kind, "GET", blob: "b"))

            let reply = try await bed.getBlob("b")
            #expect(reply.ending == .closed)
            #expect(reply.status == status)
            #expect(reply.headers["x-ms-error-code"] == code)
            #expect(reply.text.contains("<Code>\(code)</Code>"))
            #expect(reply.headers["x-ms-request-id"] != nil)
            #expect(reply.headers["retry-after"] == (kind == .serverBusy ? "1" : nil))
            #expect(bed.emulator.faults.counters.injected[kind] == 1)
        }
    }

    /// The Table service renders the same faults as JSON `odata.error`, as Azure's Table endpoint does.
    @Test func tableFaultIsJSON() async throws {
        try await FaultTestBed.with { bed in
            bed.emulator.faults.replace(with: FaultPlan(rules: [FaultRule(service: .table, rate: 1, kinds: [.serverBusy])]))
            let reply = try await bed.raw(.table).exchange("GET", "/devstoreaccount1/Tables", headers: ["Accept": "application/json"])
            #expect(reply.status == 503)
            #expect(reply.headers["x-ms-error-code"] == "ServerBusy")
            #expect(reply.text.contains("\"odata.error\""))
            #expect(reply.text.contains("ServerBusy"))
        }
    }

    @Test func resetSendsNothing() async throws {
        try await FaultTestBed.with { bed in
            let (_, reply) = try await bed.readStruck(by: .reset, size: Self.size)
            #expect(reply.ending == .reset)
            #expect(reply.received.isEmpty)
            #expect(bed.emulator.faults.counters.injected[.reset] == 1)
        }
    }

    /// A GET gets its full head and the real Content-Length, then about half the body, then a reset.
    @Test func resetMidBodyOfADownload() async throws {
        try await FaultTestBed.with { bed in
            let (content, reply) = try await bed.readStruck(by: .resetMidBody, size: Self.size)
            #expect(reply.ending == .reset)
            #expect(reply.status == 200)
            #expect(reply.contentLength == Self.size)
            #expect(reply.body.count < Self.size)
            let intact = reply.body == Array(content[..<reply.body.count])  // compared outside #expect, which would print every byte
            #expect(intact)
        }
    }

    /// A truncated GET: full head with the real Content-Length, part of the body, then an orderly close.
    @Test func truncateEndsTheBodyEarly() async throws {
        try await FaultTestBed.with { bed in
            let (content, reply) = try await bed.readStruck(by: .truncate, size: Self.size)
            #expect(reply.ending == .closed)
            #expect(reply.status == 200)
            #expect(reply.contentLength == Self.size)
            #expect(reply.body.count > 0)
            #expect(reply.body.count < Self.size)
            let intact = reply.body == Array(content[..<reply.body.count])  // compared outside #expect, which would print every byte
            #expect(intact)
        }
    }

    /// Latency delays, then serves the request in full (no timing is asserted: the counter shows it struck).
    @Test func latencyServesNormally() async throws {
        try await FaultTestBed.with { bed in
            let (content, reply) = try await bed.readStruck(by: .latency, size: Self.size)
            #expect(reply.status == 200)
            let intact = reply.body == content  // compared outside #expect, which would print every byte
            #expect(intact)
            #expect(bed.emulator.faults.counters.injected[.latency] == 1)
        }
    }

    /// A rule for one path, method and operation leaves every other request alone.
    @Test func rulesMatchOnlyTheirRequests() async throws {
        try await FaultTestBed.with { bed in
            bed.emulator.faults.replace(with: FaultPlan(rules: [
                FaultRule(service: .blob, method: "PUT", path: "/devstoreaccount1/faults/hit*", comp: "block", rate: 1, kinds: [.internalError])
            ]))
            #expect(try await bed.putBlob("hit-plain", [1, 2, 3]).status == 201)  // no comp=block
            #expect(try await bed.putBlob("other", [1, 2, 3]).status == 201)
            let blockID = Data("b1".utf8).base64EncodedString()
            let staged = try await bed.send("PUT", "/faults/hit-blocks", query: [("comp", "block"), ("blockid", blockID)], body: [9, 9])
            #expect(staged.status == 500)
            let elsewhere = try await bed.send("PUT", "/faults/miss", query: [("comp", "block"), ("blockid", blockID)], body: [9, 9])
            #expect(elsewhere.status == 201)
            #expect(bed.emulator.faults.counters.requests == 4)
            #expect(bed.emulator.faults.counters.totalInjected == 1)
        }
    }
}
