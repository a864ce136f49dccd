import AzureWire
import Foundation
import GRDB

/// What a Query Entities request asks for.
struct EntityQuery: Sendable {
    var filter: ODataFilter?
    /// At most this many entities in the page (Azure's maximum is 1,000).
    var top: Int = 1000
    /// Resume at this key (from `NextPartitionKey`/`NextRowKey`).
    var start: EntityKey?
    /// A table SAS's key window: entities outside it are never returned.
    var range: TableKeyRange?
}

extension TableStore {
    /// Scans the table in key order from `query.start`, narrowed by the keys the filter implies, and
    /// returns up to `top` matching entities with the key of the next unscanned entity, if any.
    func query(account: String, table: String, _ query: EntityQuery) async throws -> EntityPage {
        try await database.read { db in
            guard try Self.tableName(db, account: account, table: table) != nil else { throw StorageError.tableNotFound(table) }
            var sql = """
                SELECT partition_key, row_key, timestamp, properties FROM table_entities
                WHERE account = ? AND table_name = ?
                """
            var arguments: StatementArguments = [account, table.lowercased()]
            if let start = query.start {
                sql += " AND (partition_key, row_key) >= (?, ?)"
                _ = arguments.append(contentsOf: [start.partitionKey, start.rowKey])
            }
            for bound in query.filter?.keyBounds ?? [] {
                sql += " AND " + bound.sql
                _ = arguments.append(contentsOf: [bound.value])
            }
            if let range = query.range {
                if let low = range.startPartitionKey {
                    sql += " AND partition_key >= ?"
                    _ = arguments.append(contentsOf: [low])
                }
                if let high = range.endPartitionKey {
                    sql += " AND partition_key <= ?"
                    _ = arguments.append(contentsOf: [high])
                }
            }
            sql += " ORDER BY partition_key, row_key"
            let needsProperties = !(query.filter?.referencedProperties.isSubset(of: ["PartitionKey", "RowKey", "Timestamp"]) ?? true)
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            var entities: [TableEntity] = []
            while let row = try rows.next() {
                let key = EntityKey(partitionKey: row[0], rowKey: row[1])
                if entities.count == query.top { return EntityPage(entities: entities, next: key) }
                if let range = query.range, !Self.contains(range, key) { continue }
                let timestamp = EdmDateTime(ticks: row[2])
                var entity = TableEntity(partitionKey: key.partitionKey, rowKey: key.rowKey, timestamp: timestamp, properties: [])
                var decoded = false
                if needsProperties {
                    entity.properties = try row.withUnsafeData(atIndex: 3) { try EntityCodec.decode($0 ?? Data()) }
                    decoded = true
                }
                if let filter = query.filter, !filter.matches({ entity.value(of: $0) }) { continue }
                if !decoded { entity.properties = try row.withUnsafeData(atIndex: 3) { try EntityCodec.decode($0 ?? Data()) } }
                entities.append(entity)
            }
            return EntityPage(entities: entities, next: nil)
        }
    }

    /// Whether a key lies in a table SAS's window (`spk`/`srk` … `epk`/`erk`, all inclusive).
    static func contains(_ range: TableKeyRange, _ key: EntityKey) -> Bool {
        if let spk = range.startPartitionKey {
            let order = EdmValue.ordinal(key.partitionKey, spk)
            if order < 0 { return false }
            if order == 0, let srk = range.startRowKey, EdmValue.ordinal(key.rowKey, srk) < 0 { return false }
        }
        if let epk = range.endPartitionKey {
            let order = EdmValue.ordinal(key.partitionKey, epk)
            if order > 0 { return false }
            if order == 0, let erk = range.endRowKey, EdmValue.ordinal(key.rowKey, erk) > 0 { return false }
        }
        return true
    }
}
