import AzureStorage
import Foundation
import Testing

/// Every Queue operation of the client against the in-process emulator.
@Suite struct QueueIntegrationTests {
    @Test func putGetUpdateDelete() async throws {
        try await EmulatorFixture.with(services: [.queue]) { emulator, client in
            guard EmulatorFixture.serves(emulator, .queue) else { return }
            let queue = EmulatorFixture.containerName("q")
            #expect(try await client.queues.createQueue(queue))
            #expect(try await !client.queues.createQueue(queue))

            let text = "{\"sha256\":\"9f86d0\",\"path\":\"Été/<a & b>.jpg\"}"
            let receipt = try await client.queues.put(queue: queue, text: text)
            #expect(!receipt.id.isEmpty)
            #expect(try await client.queues.peek(queue: queue).map(\.text) == [text])

            let first = try #require(try await client.queues.get(queue: queue, visibilityTimeout: .seconds(60)).first)
            #expect(first.text == text)
            #expect(first.dequeueCount == 1)
            // Hidden now: another receiver sees nothing.
            #expect(try await client.queues.get(queue: queue).isEmpty)

            // Give it back at once with new text.
            let updated = try await client.queues.update(
                queue: queue, messageID: first.id, popReceipt: first.popReceipt, visibilityTimeout: .seconds(0),
                text: "retry me")
            #expect(updated.popReceipt != first.popReceipt)
            let second = try #require(try await client.queues.get(queue: queue, visibilityTimeout: .seconds(60)).first)
            #expect(second.text == "retry me")
            #expect(second.dequeueCount == 2)

            // The old pop receipt no longer deletes it; the new one does.
            // Azure answers a stale receipt with 404 MessageNotFound, which the client reports as "nothing deleted".
            #expect(try await client.queues.delete(queue: queue, messageID: second.id, popReceipt: first.popReceipt) == false)
            #expect(try await client.queues.delete(queue: queue, messageID: second.id, popReceipt: second.popReceipt))
            #expect(try await client.queues.peek(queue: queue).isEmpty)
            #expect(try await client.queues.deleteQueue(queue))
        }
    }

    @Test func batchGetVisibilityDelayAndClear() async throws {
        try await EmulatorFixture.with(services: [.queue]) { emulator, client in
            guard EmulatorFixture.serves(emulator, .queue) else { return }
            let queue = EmulatorFixture.containerName("q")
            try await client.queues.createQueue(queue)
            for index in 0..<5 { try await client.queues.put(queue: queue, text: "job \(index)") }
            try await client.queues.put(queue: queue, text: "later", visibilityTimeout: .seconds(3600))
            let got = try await client.queues.get(queue: queue, count: 32)
            #expect(Set(got.map(\.text)) == Set((0..<5).map { "job \($0)" }))
            try await client.queues.clear(queue: queue)
            #expect(try await client.queues.peek(queue: queue, count: 32).isEmpty)
        }
    }
}
