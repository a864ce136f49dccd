import Foundation
import Testing

@testable import StorageEmulator

/// `before` faults leave the store untouched; `after` faults commit the write and only hide its success —
/// the case that proves a client's retries are idempotent.
@Suite struct FaultPhaseTests {
    static let kinds: [FaultKind] = [.internalError, .serverBusy, .timedOut, .reset, .resetMidBody, .truncate]

    @Test(arguments: kinds, FaultPhase.allCases)
    func putBlobUnderFault(kind: FaultKind, phase: FaultPhase) async throws {
        try await FaultTestBed.with { bed in
            let content = FaultTestBed.pattern(256 * 1024, salt: 7)
            bed.emulator.faults.replace(with: FaultTestBed.always(kind, "PUT", blob: "p", phase: phase))

            let reply = try await bed.putBlob("p", content)
            // Whatever the fault, the client is not told the write succeeded.
            #expect(reply.status != 201)
            switch kind {
            case .internalError: #expect(reply.status == 500)
            case .serverBusy: #expect(reply.status == 503)
            case .timedOut: #expect(reply.status == 408)
            case .reset, .resetMidBody:
                #expect(reply.ending == .reset)
                #expect(reply.received.isEmpty)
            case .truncate:
                // The 500 that stands in for an empty success body, cut short, then an orderly close.
                #expect(reply.ending == .closed)
                #expect(reply.status == 500)
                #expect(reply.body.count < (reply.contentLength ?? 0))
            case .latency: break
            }
            #expect(bed.emulator.faults.counters.injected[kind] == 1)
            bed.emulator.faults.clear()

            let stored = try await bed.getBlob("p")
            switch phase {
            case .before:
                #expect(stored.status == 404, "a \(kind) before the operation must leave no blob")
            case .after:
                #expect(stored.status == 200, "a \(kind) after the operation must leave the blob committed")
                let intact = stored.body == content  // compared outside #expect, which would print every byte
                #expect(intact)
            }
        }
    }

    /// An `after` fault on Put Block List commits the list: the blob exists with the staged blocks' bytes.
    @Test func blockListCommittedBehindA500() async throws {
        try await FaultTestBed.with { bed in
            let first = FaultTestBed.pattern(1000, salt: 1), second = FaultTestBed.pattern(500, salt: 2)
            let ids = ["AAAA", "AAAB"].map { Data($0.utf8).base64EncodedString() }
            #expect(try await bed.send("PUT", "/faults/k", query: [("comp", "block"), ("blockid", ids[0])], body: first).status == 201)
            #expect(try await bed.send("PUT", "/faults/k", query: [("comp", "block"), ("blockid", ids[1])], body: second).status == 201)
            bed.emulator.faults.replace(with: FaultPlan(rules: [
                FaultRule(service: .blob, method: "PUT", comp: "blocklist", rate: 1, kinds: [.internalError], phase: .after)
            ]))
            let list = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList><Latest>\(ids[0])</Latest><Latest>\(ids[1])</Latest></BlockList>".utf8)
            #expect(try await bed.send("PUT", "/faults/k", query: [("comp", "blocklist")], body: list).status == 500)
            bed.emulator.faults.clear()
            let stored = try await bed.getBlob("k")
            #expect(stored.status == 200)
            let intact = stored.body == first + second  // compared outside #expect, which would print every byte
            #expect(intact)
        }
    }
}
