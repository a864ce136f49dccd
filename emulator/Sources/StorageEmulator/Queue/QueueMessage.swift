import Foundation

/// A queue message and the rules of its life: when it may be seen, who may delete it, when it expires.
///
/// Times are milliseconds since the epoch. A message is *visible* once `visibleAt` has passed and
/// *expired* once `expiresAt` has. Each delivery (Get Messages) hides it again for the requested
/// visibility timeout, counts the delivery, and issues a new pop receipt; only the latest receipt
/// can delete or update it, so a consumer whose lease ran out cannot delete a message that another
/// consumer has received since.
struct QueueMessage: Sendable, Equatable {
    var messageID: String
    var text: String
    var insertedAt: Int64
    var expiresAt: Int64
    var visibleAt: Int64
    var dequeueCount: Int
    var popReceipt: String

    /// Azure's limits, in seconds unless stated.
    static let maximumVisibilityTimeout = 7 * 24 * 3600
    static let defaultTimeToLive = 7 * 24 * 3600
    static let defaultDequeueVisibilityTimeout = 30
    static let maximumMessagesPerRequest = 32
    /// 64 KiB of message text, counted in UTF-8 bytes as sent.
    static let maximumTextBytes = 64 * 1024
    /// `ExpirationTime` of a message put with `messagettl=-1`: 9999-12-31T23:59:59Z.
    static let neverExpires: Int64 = 253_402_300_799_000

    /// A new message; validates `visibilitytimeout` (0…7 days, below the TTL) and `messagettl` (-1 or ≥ 1).
    static func make(
        text: String, now: Int64, visibilityTimeout: Int?, timeToLive: Int?
    ) throws(StorageError) -> QueueMessage {
        guard text.utf8.count <= maximumTextBytes else { throw StorageError.requestBodyTooLarge(limit: maximumTextBytes) }
        let ttl = timeToLive ?? defaultTimeToLive
        guard ttl == -1 || ttl >= 1 else {
            throw StorageError.invalidQueryParameter(
                "messagettl", String(ttl), "Value must be greater than or equal to 1, or -1 to indicate an infinite TTL.")
        }
        let timeout = visibilityTimeout ?? 0
        try checkRange("visibilitytimeout", timeout, 0...maximumVisibilityTimeout)
        if ttl != -1, timeout >= ttl {
            throw StorageError.invalidQueryParameter(
                "visibilitytimeout", String(timeout), "messagettl must be greater than visibilitytimeout.")
        }
        let expires = ttl == -1 ? neverExpires : min(neverExpires, now + Int64(ttl) * 1000)
        return QueueMessage(
            messageID: UUIDString.make(), text: text, insertedAt: now, expiresAt: expires,
            visibleAt: now + Int64(timeout) * 1000, dequeueCount: 0, popReceipt: newPopReceipt())
    }

    func isVisible(at now: Int64) -> Bool { visibleAt <= now && !isExpired(at: now) }

    func isExpired(at now: Int64) -> Bool { expiresAt <= now }

    /// Delivers the message to a consumer: hidden for `visibilityTimeout` seconds, counted, a new receipt.
    mutating func deliver(now: Int64, visibilityTimeout: Int) {
        dequeueCount += 1
        visibleAt = now + Int64(visibilityTimeout) * 1000
        popReceipt = Self.newPopReceipt()
    }

    /// Whether `receipt` is the current pop receipt. Azure answers a stale one as it answers a
    /// missing message (404 `MessageNotFound`): the message as that consumer knew it is gone.
    func checkReceipt(_ receipt: String) throws(StorageError) {
        guard receipt == popReceipt else { throw StorageError.messageNotFound() }
    }

    /// Update Message: new visibility (0…7 days, not past expiry), optionally new text, a new receipt.
    mutating func update(now: Int64, visibilityTimeout: Int, text newText: String?) throws(StorageError) {
        try Self.checkRange("visibilitytimeout", visibilityTimeout, 0...Self.maximumVisibilityTimeout)
        let visible = now + Int64(visibilityTimeout) * 1000
        guard visible <= expiresAt else {
            throw StorageError.invalidQueryParameter(
                "visibilitytimeout", String(visibilityTimeout), "The visibility timeout would outlast the message's expiry time.")
        }
        if let newText {
            guard newText.utf8.count <= Self.maximumTextBytes else {
                throw StorageError.requestBodyTooLarge(limit: Self.maximumTextBytes)
            }
            text = newText
        }
        visibleAt = visible
        popReceipt = Self.newPopReceipt()
    }

    /// An opaque receipt in Azure's style (base64 of random bytes).
    static func newPopReceipt() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<12).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
    }

    /// 400 `OutOfRangeQueryParameterValue` when a numeric parameter leaves its range.
    static func checkRange(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws(StorageError) {
        guard range.contains(value) else {
            throw StorageError.outOfRangeQueryParameter(name, String(value), minimum: range.lowerBound, maximum: range.upperBound)
        }
    }

    /// The milliseconds clock the queue service runs on.
    static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}
