import Foundation
import GRDB

extension QueueStore {
    /// Adds a message; 404 `QueueNotFound` when the queue does not exist.
    func put(account: String, queue: String, _ message: QueueMessage) async throws {
        try await commits.write { db in
            try Self.requireQueue(db, account: account, queue: queue)
            try db.cachedStatement(
                sql: """
                    INSERT INTO queue_messages (account, queue, message_id, text, inserted, expires, visible, dequeue_count, pop_receipt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                account, queue, message.messageID, message.text, message.insertedAt, message.expiresAt, message.visibleAt,
                message.dequeueCount, message.popReceipt,
            ])
        }
    }

    /// Get Messages: up to `count` visible messages, oldest visibility first, each delivered (hidden
    /// for `visibilityTimeout` seconds, counted, given a new receipt) in the same transaction.
    func receive(account: String, queue: String, count: Int, visibilityTimeout: Int) async throws -> [QueueMessage] {
        try await commits.write { db in
            let now = QueueMessage.now()
            try Self.requireQueue(db, account: account, queue: queue)
            try Self.sweepExpired(db, account: account, queue: queue, now: now)
            var messages = try Self.visible(db, account: account, queue: queue, now: now, limit: count)
            let update = try db.cachedStatement(
                sql: "UPDATE queue_messages SET visible = ?, dequeue_count = ?, pop_receipt = ? WHERE message_id = ?")
            for index in messages.indices {
                messages[index].deliver(now: now, visibilityTimeout: visibilityTimeout)
                let message = messages[index]
                try update.execute(arguments: [message.visibleAt, message.dequeueCount, message.popReceipt, message.messageID])
            }
            return messages
        }
    }

    /// Peek Messages: up to `count` visible messages, unchanged.
    func peek(account: String, queue: String, count: Int) async throws -> [QueueMessage] {
        let now = QueueMessage.now()
        return try await database.read { db in
            try Self.requireQueue(db, account: account, queue: queue)
            return try Self.visible(db, account: account, queue: queue, now: now, limit: count)
        }
    }

    /// Delete Message: only with the message's current pop receipt.
    func delete(account: String, queue: String, messageID: String, popReceipt: String) async throws {
        try await commits.write { db in
            let now = QueueMessage.now()
            let message = try Self.message(db, account: account, queue: queue, id: messageID, now: now)
            try message.checkReceipt(popReceipt)
            try db.cachedStatement(sql: "DELETE FROM queue_messages WHERE message_id = ?").execute(arguments: [messageID])
        }
    }

    /// Update Message: new visibility and optionally new text, with the current pop receipt; returns the message.
    func update(
        account: String, queue: String, messageID: String, popReceipt: String, visibilityTimeout: Int, text: String?
    ) async throws -> QueueMessage {
        try await commits.write { db in
            let now = QueueMessage.now()
            var message = try Self.message(db, account: account, queue: queue, id: messageID, now: now)
            try message.checkReceipt(popReceipt)
            try message.update(now: now, visibilityTimeout: visibilityTimeout, text: text)
            try db.cachedStatement(
                sql: "UPDATE queue_messages SET text = ?, visible = ?, pop_receipt = ? WHERE message_id = ?"
            ).execute(arguments: [message.text, message.visibleAt, message.popReceipt, messageID])
            return message
        }
    }

    /// Clear Messages: removes every message of the queue.
    func clear(account: String, queue: String) async throws {
        try await commits.write { db in
            try Self.requireQueue(db, account: account, queue: queue)
            try db.executeCached(
                sql: "DELETE FROM queue_messages WHERE account = ? AND queue = ?", arguments: [account, queue])
        }
    }

    private static func requireQueue(_ db: Database, account: String, queue: String) throws {
        let exists = try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM queues WHERE account = ? AND name = ?)"),
            arguments: [account, queue]) ?? false
        if !exists { throw StorageError.queueNotFound(queue) }
    }

    /// Expired messages are gone for every client; dropping them lazily keeps the table small.
    private static func sweepExpired(_ db: Database, account: String, queue: String, now: Int64) throws {
        try db.cachedStatement(sql: "DELETE FROM queue_messages WHERE account = ? AND queue = ? AND expires <= ?")
            .execute(arguments: [account, queue, now])
    }

    private static func visible(_ db: Database, account: String, queue: String, now: Int64, limit: Int) throws -> [QueueMessage] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT message_id, text, inserted, expires, visible, dequeue_count, pop_receipt FROM queue_messages
                    WHERE account = ? AND queue = ? AND visible <= ? AND expires > ?
                    ORDER BY visible, seq LIMIT ?
                    """),
            arguments: [account, queue, now, now, limit]
        ).map(Self.message(from:))
    }

    /// The message with this id in this queue, unexpired; 404 `QueueNotFound` or `MessageNotFound` otherwise.
    private static func message(_ db: Database, account: String, queue: String, id: String, now: Int64) throws -> QueueMessage {
        try requireQueue(db, account: account, queue: queue)
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT message_id, text, inserted, expires, visible, dequeue_count, pop_receipt FROM queue_messages
                        WHERE message_id = ? AND account = ? AND queue = ?
                        """),
                arguments: [id, account, queue])
        else { throw StorageError.messageNotFound() }
        let message = message(from: row)
        if message.isExpired(at: now) { throw StorageError.messageNotFound() }
        return message
    }

    private static func message(from row: Row) -> QueueMessage {
        QueueMessage(
            messageID: row[0], text: row[1], insertedAt: row[2], expiresAt: row[3], visibleAt: row[4],
            dequeueCount: row[5], popReceipt: row[6])
    }
}
