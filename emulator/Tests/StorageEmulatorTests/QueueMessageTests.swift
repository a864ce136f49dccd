import Testing

@testable import StorageEmulator

@Suite struct QueueMessageTests {
    let now: Int64 = 1_800_000_000_000

    @Test func newMessagesAreVisibleAtOnceAndExpireAfterSevenDays() throws {
        let message = try QueueMessage.make(text: "x", now: now, visibilityTimeout: nil, timeToLive: nil)
        #expect(message.isVisible(at: now))
        #expect(message.dequeueCount == 0)
        #expect(message.expiresAt == now + 7 * 24 * 3600 * 1000)
        #expect(!message.isExpired(at: message.expiresAt - 1))
        #expect(message.isExpired(at: message.expiresAt))
        #expect(!message.isVisible(at: message.expiresAt))
    }

    @Test func infiniteTimeToLiveNeverExpires() throws {
        let message = try QueueMessage.make(text: "x", now: now, visibilityTimeout: 10, timeToLive: -1)
        #expect(message.expiresAt == QueueMessage.neverExpires)
        #expect(!message.isVisible(at: now + 9_999))
        #expect(message.isVisible(at: now + 10_000))
    }

    @Test func deliveryHidesCountsAndReplacesTheReceipt() throws {
        var message = try QueueMessage.make(text: "x", now: now, visibilityTimeout: 0, timeToLive: 60)
        let first = message.popReceipt
        message.deliver(now: now, visibilityTimeout: 30)
        #expect(message.dequeueCount == 1)
        #expect(message.popReceipt != first)
        #expect(!message.isVisible(at: now + 29_999))
        #expect(message.isVisible(at: now + 30_000))
        let second = message.popReceipt
        message.deliver(now: now + 30_000, visibilityTimeout: 5)
        #expect(message.dequeueCount == 2)
        // The first consumer's receipt is stale now: Azure answers it as a missing message.
        let error = #expect(throws: StorageError.self) { try message.checkReceipt(second) }
        #expect(error?.code == "MessageNotFound")
        #expect(error?.status.code == 404)
        try message.checkReceipt(message.popReceipt)
    }

    @Test func updateChangesTextVisibilityAndReceipt() throws {
        var message = try QueueMessage.make(text: "old", now: now, visibilityTimeout: 0, timeToLive: 100)
        let receipt = message.popReceipt
        try message.update(now: now, visibilityTimeout: 50, text: "new")
        #expect(message.text == "new")
        #expect(message.visibleAt == now + 50_000)
        #expect(message.popReceipt != receipt)
        try message.update(now: now, visibilityTimeout: 0, text: nil)
        #expect(message.text == "new")
        #expect(message.isVisible(at: now))
        #expect(throws: StorageError.self) { try message.update(now: now, visibilityTimeout: 101, text: nil) }
    }

    @Test(arguments: [
        (nil as Int?, 0 as Int?, "InvalidQueryParameterValue"),
        (nil, -2, "InvalidQueryParameterValue"),
        (-1, nil, "OutOfRangeQueryParameterValue"),
        (604_801, -1, "OutOfRangeQueryParameterValue"),
        (60, 60, "InvalidQueryParameterValue"),
    ])
    func refusesOutOfRangeParameters(_ visibility: Int?, _ ttl: Int?, _ code: String) {
        let error = #expect(throws: StorageError.self) {
            try QueueMessage.make(text: "x", now: now, visibilityTimeout: visibility, timeToLive: ttl)
        }
        #expect(error?.code == code)
    }

    @Test func enforcesTheSixtyFourKibibyteLimit() throws {
        _ = try QueueMessage.make(text: String(repeating: "a", count: 65_536), now: now, visibilityTimeout: nil, timeToLive: nil)
        let error = #expect(throws: StorageError.self) {
            try QueueMessage.make(text: String(repeating: "é", count: 32_769), now: now, visibilityTimeout: nil, timeToLive: nil)
        }
        #expect(error?.code == "RequestBodyTooLarge")
    }

    @Test(arguments: [("abc", true), ("a-b-c", true), ("a1", false), ("Abc", false), ("a--b", false), ("-ab", false), ("ab-", false), ("a_b", false)])
    func validatesQueueNames(_ name: String, _ valid: Bool) {
        if valid {
            #expect(throws: Never.self) { try QueueStore.validateQueueName(name) }
        } else {
            #expect(throws: StorageError.self) { try QueueStore.validateQueueName(name) }
        }
    }
}
