import GRDB

/// The Queue service's tables. Messages are rows ordered by insertion (`seq`); the two indexes
/// serve the hot paths: the next visible messages of a queue, and sweeping its expired ones.
enum QueueSchema {
    static let migrations: [(String, @Sendable (Database) throws -> Void)] = [("queue-v1", v1)]

    @Sendable static func v1(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE queues (
                    account TEXT NOT NULL,
                    name TEXT NOT NULL,
                    metadata TEXT NOT NULL DEFAULT '[]',
                    acl TEXT NOT NULL DEFAULT '[]',
                    created INTEGER NOT NULL,
                    PRIMARY KEY (account, name)
                ) WITHOUT ROWID;

                CREATE TABLE queue_messages (
                    seq INTEGER PRIMARY KEY,
                    account TEXT NOT NULL,
                    queue TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    text TEXT NOT NULL,
                    inserted INTEGER NOT NULL,
                    expires INTEGER NOT NULL,
                    visible INTEGER NOT NULL,
                    dequeue_count INTEGER NOT NULL DEFAULT 0,
                    pop_receipt TEXT NOT NULL,
                    FOREIGN KEY (account, queue) REFERENCES queues(account, name) ON DELETE CASCADE
                );
                CREATE UNIQUE INDEX queue_messages_by_id ON queue_messages(message_id);
                CREATE INDEX queue_messages_by_visibility ON queue_messages(account, queue, visible, seq);
                CREATE INDEX queue_messages_by_expiry ON queue_messages(account, queue, expires);

                CREATE TABLE queue_service_properties (
                    account TEXT PRIMARY KEY,
                    xml TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
    }
}
