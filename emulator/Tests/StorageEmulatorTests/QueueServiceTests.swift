import AzureWire
import Foundation
import Testing

@testable import StorageEmulator

/// The Queue service through HTTP against the in-process emulator: pop receipts, visibility,
/// dequeue counts, listing, metadata, errors and persistence across a restart.
@Suite struct QueueServiceTests {
    func withQueue(location: String? = nil, _ body: (TableTestClient, String) async throws -> Void) async throws {
        let emulator = try await RunningEmulator.start(configuration: .ephemeral(location: location))
        let client = TableTestClient(endpoint: emulator.endpoint(.queue), service: .queue)
        let queue = "q-" + UUID().uuidString.lowercased().prefix(8)
        do {
            #expect(try await client.send("PUT", "/\(queue)").status == 201)
            try await body(client, queue)
        } catch {
            await emulator.shutdown()
            throw error
        }
        await emulator.shutdown()
    }

    static func message(_ text: String) -> Data {
        Data("<QueueMessage><MessageText>\(text)</MessageText></QueueMessage>".utf8)
    }

    /// The `<QueueMessage>` elements of a response, as name → text dictionaries.
    static func messages(_ reply: TableTestClient.Reply) throws -> [[String: String]] {
        let document = try XMLTree.parseBody(reply.body)
        return document.children("QueueMessage").map { node in
            Dictionary(node.children.map { ($0.name, $0.text) }, uniquingKeysWith: { first, _ in first })
        }
    }

    @Test func popReceiptsVisibilityAndDequeueCount() async throws {
        try await withQueue { client, queue in
            #expect(try await client.send("POST", "/\(queue)/messages", body: Self.message("one &amp; only")).status == 201)

            let first = try Self.messages(try await client.send("GET", "/\(queue)/messages?visibilitytimeout=60"))
            #expect(first.count == 1)
            #expect(first[0]["MessageText"] == "one & only")
            #expect(first[0]["DequeueCount"] == "1")
            let id = try #require(first[0]["MessageId"])
            let receipt = try #require(first[0]["PopReceipt"])

            // Invisible now: neither peek nor get sees it.
            #expect(try Self.messages(try await client.send("GET", "/\(queue)/messages?peekonly=true")).isEmpty)
            #expect(try Self.messages(try await client.send("GET", "/\(queue)/messages")).isEmpty)

            // Making it visible again (an update with timeout 0) issues a new receipt; the old one is stale.
            let escaped = receipt.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let updated = try await client.send("PUT", "/\(queue)/messages/\(id)?popreceipt=\(escaped)&visibilitytimeout=0")
            #expect(updated.status == 204)
            let newReceipt = try #require(updated.header("x-ms-popreceipt"))
            #expect(newReceipt != receipt)
            #expect(updated.header("x-ms-time-next-visible") != nil)

            let second = try Self.messages(try await client.send("GET", "/\(queue)/messages?visibilitytimeout=30"))
            #expect(second.first?["DequeueCount"] == "2")
            let stale = try await client.send("DELETE", "/\(queue)/messages/\(id)?popreceipt=\(escaped)")
            #expect(stale.status == 404)
            #expect(stale.errorCode == "MessageNotFound")
            #expect(stale.text.contains("<Code>MessageNotFound</Code>"))

            let current = try #require(second.first?["PopReceipt"]).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            #expect(try await client.send("DELETE", "/\(queue)/messages/\(id)?popreceipt=\(current)").status == 204)
            #expect(try await client.send("DELETE", "/\(queue)/messages/\(id)?popreceipt=\(current)").status == 404)
        }
    }

    @Test func peekGetAndClearRespectCountsAndOrder() async throws {
        try await withQueue { client, queue in
            for index in 0..<40 {
                #expect(try await client.send("POST", "/\(queue)/messages", body: Self.message("m\(index)")).status == 201)
            }
            #expect(try await client.send("POST", "/\(queue)/messages?visibilitytimeout=3600", body: Self.message("later")).status == 201)
            let metadata = try await client.send("GET", "/\(queue)?comp=metadata")
            #expect(metadata.header("x-ms-approximate-messages-count") == "41")

            let peeked = try Self.messages(try await client.send("GET", "/\(queue)/messages?peekonly=true&numofmessages=32"))
            #expect(peeked.count == 32)
            #expect(peeked.first?["MessageText"] == "m0")
            #expect(peeked.first?["PopReceipt"] == nil)
            let got = try Self.messages(try await client.send("GET", "/\(queue)/messages?numofmessages=32"))
            #expect(got.count == 32)
            let rest = try Self.messages(try await client.send("GET", "/\(queue)/messages?numofmessages=32"))
            #expect(rest.map { $0["MessageText"] ?? "" } == (32..<40).map { "m\($0)" })

            let tooMany = try await client.send("GET", "/\(queue)/messages?numofmessages=33")
            #expect(tooMany.status == 400)
            #expect(tooMany.errorCode == "OutOfRangeQueryParameterValue")
            #expect(try await client.send("DELETE", "/\(queue)/messages").status == 204)
            let cleared = try await client.send("GET", "/\(queue)?comp=metadata")
            #expect(cleared.header("x-ms-approximate-messages-count") == "0")
        }
    }

    @Test func messagesOverSixtyFourKibibytesAreRefused() async throws {
        try await withQueue { client, queue in
            let large = try await client.send("POST", "/\(queue)/messages", body: Self.message(String(repeating: "x", count: 65_537)))
            #expect(large.status == 413)
            #expect(large.errorCode == "RequestBodyTooLarge")
            let fits = try await client.send("POST", "/\(queue)/messages", body: Self.message(String(repeating: "x", count: 65_536)))
            #expect(fits.status == 201)
        }
    }

    @Test func queuesAreListedWithMetadataAndMarkers() async throws {
        try await withQueue { client, queue in
            #expect(try await client.send("PUT", "/\(queue)?comp=metadata", headers: ["x-ms-meta-Owner": "tests"]).status == 204)
            for suffix in ["a", "b", "c"] { #expect(try await client.send("PUT", "/\(queue)-\(suffix)").status == 201) }
            // Creating an existing queue with the same metadata is fine; with other metadata it conflicts.
            #expect(try await client.send("PUT", "/\(queue)-a").status == 204)
            let conflict = try await client.send("PUT", "/\(queue)-a", headers: ["x-ms-meta-x": "1"])
            #expect(conflict.status == 409)
            #expect(conflict.errorCode == "QueueAlreadyExists")

            let first = try await client.send("GET", "?comp=list&prefix=\(queue)&maxresults=2&include=metadata")
            #expect(first.status == 200)
            #expect(first.text.contains("<Name>\(queue)</Name><Metadata><Owner>tests</Owner></Metadata>"))
            let marker = try #require(first.text.components(separatedBy: "<NextMarker>").dropFirst().first?.components(separatedBy: "<").first)
            #expect(marker == "\(queue)-b")
            let second = try await client.send("GET", "?comp=list&prefix=\(queue)&maxresults=2&marker=\(marker)")
            #expect(second.text.contains("<Name>\(queue)-b</Name>"))
            #expect(second.text.contains("<Name>\(queue)-c</Name>"))
            #expect(second.text.contains("<NextMarker />"))

            let invalid = try await client.send("PUT", "/Bad_Name")
            #expect(invalid.status == 400)
            #expect(invalid.errorCode == "InvalidResourceName")
            #expect(try await client.send("DELETE", "/\(queue)-c").status == 204)
            #expect(try await client.send("DELETE", "/\(queue)-c").errorCode == "QueueNotFound")
            #expect(try await client.send("GET", "/\(queue)-c/messages").errorCode == "QueueNotFound")
        }
    }

    @Test func messagesSurviveARestart() async throws {
        let location = FileManager.default.temporaryDirectory.appendingPathComponent("qt-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: location) }
        var queueName = ""
        try await withQueue(location: location) { client, queue in
            queueName = queue
            let put = try await client.send("POST", "/\(queue)/messages?messagettl=-1", body: Self.message("kept"))
            #expect(put.status == 201)
        }
        let emulator = try await RunningEmulator.start(configuration: .ephemeral(location: location))
        let client = TableTestClient(endpoint: emulator.endpoint(.queue), service: .queue)
        let reply = try await client.send("GET", "/\(queueName)/messages?peekonly=true")
        await emulator.shutdown()
        let messages = try Self.messages(reply)
        #expect(messages.first?["MessageText"] == "kept")
        #expect(messages.first?["ExpirationTime"] == "Fri, 31 Dec 9999 23:59:59 GMT")
    }
}
