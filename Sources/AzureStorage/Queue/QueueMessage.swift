import Foundation

/// A message received from a queue: its text plus what is needed to delete or update it.
package struct QueueMessage: Sendable {
    package var id: String
    /// Proof of the current receive; changes with every get and update.
    package var popReceipt: String
    package var text: String
    /// How many times it was received (a message that keeps coming back is poison).
    package var dequeueCount: Int
    package var insertionTime: Date?
    package var expirationTime: Date?
    /// When it becomes visible to other receivers again unless deleted.
    package var nextVisibleTime: Date?
}

/// What Put Message returns: enough to delete or update the message without receiving it.
package struct QueueMessageReceipt: Sendable {
    package var id: String
    package var popReceipt: String
    package var nextVisibleTime: Date?
}
