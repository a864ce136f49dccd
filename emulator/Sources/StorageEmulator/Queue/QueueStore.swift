import Foundation
import GRDB

/// The Queue service's only access to SQLite: queues, their metadata and ACLs, service properties.
/// Messages are in `QueueStore+Messages.swift`. Writes share commits through a `GroupCommit`.
struct QueueStore: Sendable {
    let store: EmulatorStore
    let commits: GroupCommit

    init(store: EmulatorStore) {
        self.store = store
        commits = GroupCommit(database: store.database)
    }

    var database: any DatabaseWriter { store.database }

    /// A queue's name and metadata, for listing.
    struct QueueInfo: Sendable, Equatable {
        var name: String
        var metadata: [Metadata.Entry]
    }

    enum CreateOutcome: Sendable { case created, alreadyExisted }

    /// Creates a queue. An existing queue with the same metadata is not an error (204); with
    /// different metadata it is 409 `QueueAlreadyExists`, as in Azure.
    func createQueue(account: String, name: String, metadata: [Metadata.Entry]) async throws -> CreateOutcome {
        try Self.validateQueueName(name)
        let encoded = Metadata.encode(metadata)
        return try await commits.write { db in
            if let existing = try String.fetchOne(
                db.cachedStatement(sql: "SELECT metadata FROM queues WHERE account = ? AND name = ?"),
                arguments: [account, name])
            {
                guard Metadata.same(Metadata.decode(existing), metadata) else { throw StorageError.queueAlreadyExists(name) }
                return .alreadyExisted
            }
            try db.executeCached(
                sql: "INSERT INTO queues (account, name, metadata, created) VALUES (?, ?, ?, ?)",
                arguments: [account, name, encoded, QueueMessage.now()])
            return .created
        }
    }

    func deleteQueue(account: String, name: String) async throws {
        try await commits.write { db in
            try db.executeCached(sql: "DELETE FROM queues WHERE account = ? AND name = ?", arguments: [account, name])
            if db.changesCount == 0 { throw StorageError.queueNotFound(name) }
        }
    }

    /// Queues in name order whose names start with `prefix`, from `marker` on; the next marker if more remain.
    func listQueues(
        account: String, prefix: String, marker: String?, maxResults: Int
    ) async throws -> (queues: [QueueInfo], next: String?) {
        try await database.read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT name, metadata FROM queues WHERE account = ? AND name >= ? ORDER BY name",
                arguments: [account, max(marker ?? "", prefix)])
            var queues: [QueueInfo] = []
            while let row = try rows.next() {
                let name: String = row[0]
                guard name.hasPrefix(prefix) else { break }
                if queues.count == maxResults { return (queues, name) }
                queues.append(QueueInfo(name: name, metadata: Metadata.decode(row[1])))
            }
            return (queues, nil)
        }
    }

    /// Metadata and the approximate number of unexpired messages.
    func properties(account: String, name: String) async throws -> (metadata: [Metadata.Entry], messageCount: Int) {
        let now = QueueMessage.now()
        return try await database.read { db in
            guard let metadata = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT metadata FROM queues WHERE account = ? AND name = ?"),
                    arguments: [account, name])
            else { throw StorageError.queueNotFound(name) }
            let count = try Int.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT COUNT(*) FROM queue_messages WHERE account = ? AND queue = ? AND expires > ?"),
                arguments: [account, name, now]) ?? 0
            return (Metadata.decode(metadata), count)
        }
    }

    func setMetadata(account: String, name: String, metadata: [Metadata.Entry]) async throws {
        let encoded = Metadata.encode(metadata)
        try await commits.write { db in
            try db.executeCached(
                sql: "UPDATE queues SET metadata = ? WHERE account = ? AND name = ?", arguments: [encoded, account, name])
            if db.changesCount == 0 { throw StorageError.queueNotFound(name) }
        }
    }

    /// The stored access policies of a queue; nil when the queue does not exist.
    func policies(account: String, name: String) async throws -> [StoredAccessPolicy]? {
        let acl = try await database.read { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT acl FROM queues WHERE account = ? AND name = ?"),
                arguments: [account, name])
        }
        guard let acl else { return nil }
        return try JSONDecoder().decode([StoredAccessPolicy].self, from: Data(acl.utf8))
    }

    func setPolicies(account: String, name: String, policies: [StoredAccessPolicy]) async throws {
        let acl = String(decoding: try JSONEncoder().encode(policies), as: UTF8.self)
        try await commits.write { db in
            try db.executeCached(
                sql: "UPDATE queues SET acl = ? WHERE account = ? AND name = ?", arguments: [acl, account, name])
            if db.changesCount == 0 { throw StorageError.queueNotFound(name) }
        }
    }

    func serviceProperties(account: String) async throws -> String? {
        try await database.read { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT xml FROM queue_service_properties WHERE account = ?"),
                arguments: [account])
        }
    }

    func setServiceProperties(account: String, xml: String) async throws {
        try await commits.write { db in
            try db.executeCached(
                sql: "INSERT INTO queue_service_properties (account, xml) VALUES (?, ?) ON CONFLICT(account) DO UPDATE SET xml = excluded.xml",
                arguments: [account, xml])
        }
    }

    /// 3–63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.
    static func validateQueueName(_ name: String) throws(StorageError) {
        let scalars = Array(name.unicodeScalars)
        guard (3...63).contains(scalars.count) else { throw StorageError.invalidQueueName(name) }
        for (index, scalar) in scalars.enumerated() {
            let isAlphanumeric = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
            if isAlphanumeric { continue }
            guard scalar == "-", index > 0, index < scalars.count - 1, scalars[index - 1] != "-" else {
                throw StorageError.invalidQueueName(name)
            }
        }
    }
}

/// User metadata (`x-ms-meta-*`), kept in the order and case it was given.
enum Metadata {
    struct Entry: Sendable, Equatable, Codable {
        var name: String
        var value: String
    }

    /// The `x-ms-meta-*` headers of a request.
    static func from(_ request: StorageRequest) throws(StorageError) -> [Entry] {
        var entries: [Entry] = []
        for field in request.headers {
            let raw = field.name.rawName
            guard raw.lowercased().hasPrefix("x-ms-meta-") else { continue }
            let name = String(raw.dropFirst("x-ms-meta-".count))
            guard !name.isEmpty, name.first.map({ $0.isLetter || $0 == "_" }) == true,
                name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
            else {
                throw StorageError(
                    .badRequest, "InvalidMetadata",
                    "The metadata name '\(name)' is not a valid C# identifier.")
            }
            entries.append(Entry(name: name, value: field.value))
        }
        try MetadataSize.check(entries.map { ($0.name, $0.value) })
        return entries
    }

    static func encode(_ entries: [Entry]) -> String {
        (try? String(decoding: JSONEncoder().encode(entries), as: UTF8.self)) ?? "[]"
    }

    static func decode(_ text: String) -> [Entry] {
        (try? JSONDecoder().decode([Entry].self, from: Data(text.utf8))) ?? []
    }

    /// Same names (case-insensitively) with the same values, in any order.
    static func same(_ a: [Entry], _ b: [Entry]) -> Bool {
        func normalized(_ entries: [Entry]) -> [String: String] {
            Dictionary(entries.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        }
        return normalized(a) == normalized(b)
    }
}
