import Foundation
import Testing

@testable import StorageEmulator

/// Azure's Queue limits at their boundaries (a message of 64 KiB, 8 KiB of metadata, queue names), each followed by a
/// normal request.
@Suite struct QueueLimitTests {
    func withQueue(_ body: (TableTestClient) async throws -> Void) async throws {
        let emulator = try await RunningEmulator.start(configuration: .ephemeral())
        let client = TableTestClient(endpoint: emulator.endpoint(.queue), service: .queue)
        do {
            #expect(try await client.send("PUT", "/limits").status == 201)
            try await body(client)
        } catch {
            await emulator.shutdown()
            throw error
        }
        await emulator.shutdown()
    }

    /// A normal request after the abuse: a message put and peeked.
    static func expectServing(_ client: TableTestClient, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let put = try await client.send("POST", "/limits/messages", body: QueueServiceTests.message("after"))
        #expect(put.status == 201, sourceLocation: sourceLocation)
        #expect(try await client.send("GET", "/limits/messages?peekonly=true").status == 200, sourceLocation: sourceLocation)
    }

    @Test func aMessageIsAtMost64KiB() async throws {
        try await withQueue { client in
            let at = try await client.send(
                "POST", "/limits/messages", body: QueueServiceTests.message(String(repeating: "m", count: 64 * 1024)))
            #expect(at.status == 201, "\(at.text.prefix(300))")
            // Azure answers a message over 64 KiB as a body too large, naming the limit.
            let over = try await client.send(
                "POST", "/limits/messages", body: QueueServiceTests.message(String(repeating: "m", count: 64 * 1024 + 1)))
            #expect(over.status == 413 && over.errorCode == "RequestBodyTooLarge", "\(over.text.prefix(300))")
            try await Self.expectServing(client)
        }
    }

    @Test func queueMetadataIsAtMost8KiB() async throws {
        try await withQueue { client in
            let at = try await client.send("PUT", "/limits?comp=metadata", headers: ["x-ms-meta-m": String(repeating: "v", count: 8191)])
            #expect(at.status == 204, "\(at.text)")
            let over = try await client.send("PUT", "/limits?comp=metadata", headers: ["x-ms-meta-m": String(repeating: "v", count: 8192)])
            #expect(over.status == 400 && over.errorCode == "MetadataTooLarge", "\(over.text)")
            try await Self.expectServing(client)
        }
    }

    @Test func queueNamesFollowAzuresRules() async throws {
        try await withQueue { client in
            for valid in ["abc", String(repeating: "q", count: 63), "a-1-b"] {
                #expect(try await client.send("PUT", "/\(valid)").status == 201, "\(valid)")
            }
            // A name of the wrong length is out of range, as Azure says it.
            for name in ["ab", String(repeating: "q", count: 64)] {
                let refused = try await client.send("PUT", "/\(name)")
                #expect(refused.status == 400 && refused.errorCode == "OutOfRangeInput", "\(name)")
            }
            for invalid in ["Abc", "a--b", "-ab", "ab-", "a_b"] {
                let refused = try await client.send("PUT", "/\(invalid)")
                #expect(refused.status == 400 && refused.errorCode == "InvalidResourceName", "\(invalid): \(refused.errorCode ?? "-")")
                try await Self.expectServing(client)
            }
        }
    }
}
