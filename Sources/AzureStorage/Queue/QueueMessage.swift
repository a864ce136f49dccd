import Foundation

/// A message received from a queue: its text plus what is needed to delete or update it.
public struct QueueMessage: Sendable {
    public var id: String
    /// Proof of the current receive; changes with every get and update.
    public var popReceipt: String
    public var text: String
    /// How many times it was received (a message that keeps coming back is poison).
    public var dequeueCount: Int
    public var insertionTime: Date?
    public var expirationTime: Date?
    /// When it becomes visible to other receivers again unless deleted.
    public var nextVisibleTime: Date?
}

/// What Put Message returns: enough to delete or update the message without receiving it.
public struct QueueMessageReceipt: Sendable {
    public var id: String
    public var popReceipt: String
    public var nextVisibleTime: Date?
}
