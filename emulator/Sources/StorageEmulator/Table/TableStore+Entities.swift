import AzureWire
import Foundation
import GRDB

/// One entity write, as a single request or as one operation of a batch.
enum EntityWrite: Sendable {
    case insert(EntityKey, [EntityProperty])
    /// Replace; without an ETag it is Insert-or-Replace.
    case update(EntityKey, [EntityProperty], ifMatch: String?)
    /// Merge; without an ETag it is Insert-or-Merge.
    case merge(EntityKey, [EntityProperty], ifMatch: String?)
    case delete(EntityKey, ifMatch: String)

    var key: EntityKey {
        switch self {
        case .insert(let key, _), .update(let key, _, _), .merge(let key, _, _), .delete(let key, _): key
        }
    }
}

/// A write of a batch failed: which one (0-based) and why. Nothing of the batch was kept.
struct EntityWriteFailure: Error, Sendable {
    var index: Int
    var error: StorageError
}

/// A page of query results and where the next page starts.
struct EntityPage: Sendable {
    var entities: [TableEntity]
    var next: EntityKey?
}

extension TableStore {
    /// Applies the writes atomically: all of them, or (on the first failure) none.
    /// Returns each entity as stored (nil for a delete), in order.
    func write(account: String, table: String, _ writes: [EntityWrite]) async throws -> [TableEntity?] {
        let clock = self.clock
        return try await commits.write { db in
            guard try Self.tableName(db, account: account, table: table) != nil else {
                throw EntityWriteFailure(index: 0, error: .tableNotFound(table))
            }
            let lowerTable = table.lowercased()
            var results: [TableEntity?] = []
            for (index, write) in writes.enumerated() {
                do {
                    results.append(try Self.apply(write, db: db, account: account, table: lowerTable, clock: clock))
                } catch let error as StorageError {
                    throw EntityWriteFailure(index: index, error: error)
                }
            }
            return results
        }
    }

    private static func apply(
        _ write: EntityWrite, db: Database, account: String, table: String, clock: EntityClock
    ) throws -> TableEntity? {
        let key = write.key
        switch write {
        case .insert(_, let properties):
            let entity = TableEntity(partitionKey: key.partitionKey, rowKey: key.rowKey, timestamp: clock.next(), properties: properties)
            try checkSize(entity)
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO table_entities (account, table_name, partition_key, row_key, timestamp, properties)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """)
            try statement.execute(arguments: [
                account, table, key.partitionKey, key.rowKey, entity.timestamp.ticks, Data(EntityCodec.encode(properties)),
            ])
            if db.changesCount == 0 { throw StorageError.entityAlreadyExists() }
            return entity
        case .update(_, let properties, let ifMatch):
            if let ifMatch { try checkETag(ifMatch, of: try fetch(db, account: account, table: table, key: key)) }
            let entity = TableEntity(partitionKey: key.partitionKey, rowKey: key.rowKey, timestamp: clock.next(), properties: properties)
            try checkSize(entity)
            try upsert(entity, db: db, account: account, table: table)
            return entity
        case .merge(_, let properties, let ifMatch):
            let existing = try fetch(db, account: account, table: table, key: key)
            if let ifMatch { try checkETag(ifMatch, of: existing) }
            var entity = existing ?? TableEntity(partitionKey: key.partitionKey, rowKey: key.rowKey, timestamp: clock.next(), properties: [])
            entity.merge(properties)
            entity.timestamp = clock.next()
            if entity.properties.count > TableEntity.maximumCustomProperties {
                throw StorageError(.badRequest, "TooManyProperties", "The merged entity would have more than \(TableEntity.maximumCustomProperties) properties.")
            }
            try checkSize(entity)
            try upsert(entity, db: db, account: account, table: table)
            return entity
        case .delete(_, let ifMatch):
            try checkETag(ifMatch, of: try fetch(db, account: account, table: table, key: key))
            try db.cachedStatement(
                sql: "DELETE FROM table_entities WHERE account = ? AND table_name = ? AND partition_key = ? AND row_key = ?"
            ).execute(arguments: [account, table, key.partitionKey, key.rowKey])
            return nil
        }
    }

    private static func upsert(_ entity: TableEntity, db: Database, account: String, table: String) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO table_entities (account, table_name, partition_key, row_key, timestamp, properties)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET timestamp = excluded.timestamp, properties = excluded.properties
                """
        ).execute(arguments: [
            account, table, entity.partitionKey, entity.rowKey, entity.timestamp.ticks, Data(EntityCodec.encode(entity.properties)),
        ])
    }

    private static func checkSize(_ entity: TableEntity) throws(StorageError) {
        // Azure counts keys and string names as UTF-16; the encoded form is a close, slightly generous stand-in.
        var size = (entity.partitionKey.utf16.count + entity.rowKey.utf16.count) * 2 + 8
        for property in entity.properties {
            size += property.name.utf16.count * 2 + 8
            switch property.value {
            case .string(let text): size += text.utf16.count * 2 + 4
            case .binary(let bytes): size += bytes.count + 4
            case .guid: size += 16
            case .boolean: size += 1
            case .int32: size += 4
            default: size += 8
            }
        }
        if size > TableEntity.maximumEntityBytes {
            throw StorageError(.badRequest, "EntityTooLarge", "The entity is \(size) bytes; Azure allows at most 1 MiB.")
        }
    }

    /// 404 when the entity is missing; 412 when `ifMatch` is neither `*` nor the entity's current ETag.
    static func checkETag(_ ifMatch: String, of entity: TableEntity?) throws(StorageError) {
        guard let entity else { throw StorageError.entityNotFound() }
        guard ifMatch != "*" else { return }
        guard let ticks = Self.timestamp(inETag: ifMatch), ticks == entity.timestamp else {
            throw StorageError.updateConditionNotSatisfied()
        }
    }

    /// The timestamp inside `W/"datetime'…'"`, percent-encoded or not.
    static func timestamp(inETag etag: String) -> EdmDateTime? {
        guard let start = etag.range(of: "datetime'") else { return nil }
        let rest = etag[start.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        return EdmDateTime(parsing: PercentEncoding.decode(rest[..<end]))
    }

    static func fetch(_ db: Database, account: String, table: String, key: EntityKey) throws -> TableEntity? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT timestamp, properties FROM table_entities
                        WHERE account = ? AND table_name = ? AND partition_key = ? AND row_key = ?
                        """),
                arguments: [account, table, key.partitionKey, key.rowKey])
        else { return nil }
        let blob: Data = row[1]
        return TableEntity(
            partitionKey: key.partitionKey, rowKey: key.rowKey, timestamp: EdmDateTime(ticks: row[0]),
            properties: try EntityCodec.decode(blob))
    }

    /// One entity, or nil; 404 `TableNotFound` when the table does not exist.
    func entity(account: String, table: String, key: EntityKey) async throws -> TableEntity? {
        try await database.read { db in
            guard try Self.tableName(db, account: account, table: table) != nil else { throw StorageError.tableNotFound(table) }
            return try Self.fetch(db, account: account, table: table.lowercased(), key: key)
        }
    }
}
