import Foundation
import GRDB

/// The Table service's only access to SQLite: tables, their ACLs and service properties.
/// Entity reads and writes are in `TableStore+Entities.swift`.
///
/// Writes go through a `GroupCommit`, so concurrent requests share fsyncs; each still commits
/// (durably) before its response is sent.
struct TableStore: Sendable {
    let store: EmulatorStore
    let commits: GroupCommit
    let clock = EntityClock()

    init(store: EmulatorStore) {
        self.store = store
        commits = GroupCommit(database: store.database)
    }

    var database: any DatabaseWriter { store.database }

    /// Creates a table; 409 `TableAlreadyExists` when a table of that name (in any case) exists.
    func createTable(account: String, name: String) async throws {
        try Self.validateTableName(name)
        let created = clock.next().ticks
        try await commits.write { db in
            if try Self.tableName(db, account: account, table: name) != nil { throw StorageError.tableAlreadyExists(name) }
            try db.executeCached(
                sql: "INSERT INTO tables (account, lower_name, name, created) VALUES (?, ?, ?, ?)",
                arguments: [account, name.lowercased(), name, created])
        }
    }

    /// Deletes a table and all its entities; 404 `TableNotFound` when there is none.
    func deleteTable(account: String, name: String) async throws {
        try await commits.write { db in
            try db.executeCached(
                sql: "DELETE FROM tables WHERE account = ? AND lower_name = ?", arguments: [account, name.lowercased()])
            if db.changesCount == 0 { throw StorageError.tableNotFound(name) }
        }
    }

    /// Table names in order, from `after` (a `NextTableName`) on, that match the filter (on `TableName`).
    func listTables(
        account: String, filter: ODataFilter?, top: Int, after: String?
    ) async throws -> (names: [String], next: String?) {
        try await database.read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT name, lower_name FROM tables WHERE account = ? AND lower_name >= ? ORDER BY lower_name",
                arguments: [account, after?.lowercased() ?? ""])
            var names: [String] = []
            while let row = try rows.next() {
                let name: String = row[0]
                if names.count == top { return (names, name) }
                if let filter, !filter.matches({ $0 == "TableName" ? .string(name) : nil }) { continue }
                names.append(name)
            }
            return (names, nil)
        }
    }

    /// The stored access policies of a table (its ACL); nil when the table does not exist.
    func tablePolicies(account: String, table: String) async throws -> [StoredAccessPolicy]? {
        let acl = try await database.read { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT acl FROM tables WHERE account = ? AND lower_name = ?"),
                arguments: [account, table.lowercased()])
        }
        guard let acl else { return nil }
        return try JSONDecoder().decode([StoredAccessPolicy].self, from: Data(acl.utf8))
    }

    func setTablePolicies(account: String, table: String, policies: [StoredAccessPolicy]) async throws {
        let acl = String(decoding: try JSONEncoder().encode(policies), as: UTF8.self)
        try await commits.write { db in
            try db.executeCached(
                sql: "UPDATE tables SET acl = ? WHERE account = ? AND lower_name = ?",
                arguments: [acl, account, table.lowercased()])
            if db.changesCount == 0 { throw StorageError.tableNotFound(table) }
        }
    }

    func serviceProperties(account: String) async throws -> String? {
        try await database.read { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT xml FROM table_service_properties WHERE account = ?"),
                arguments: [account])
        }
    }

    func setServiceProperties(account: String, xml: String) async throws {
        try await commits.write { db in
            try db.executeCached(
                sql: "INSERT INTO table_service_properties (account, xml) VALUES (?, ?) ON CONFLICT(account) DO UPDATE SET xml = excluded.xml",
                arguments: [account, xml])
        }
    }

    /// The table's name as created, or nil when it does not exist.
    static func tableName(_ db: Database, account: String, table: String) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT name FROM tables WHERE account = ? AND lower_name = ?"),
            arguments: [account, table.lowercased()])
    }

    /// Azure's rule: 3–63 letters and digits, starting with a letter; `tables` is reserved.
    static func validateTableName(_ name: String) throws(StorageError) {
        let scalars = Array(name.unicodeScalars)
        guard (3...63).contains(scalars.count) else { throw StorageError.invalidTableName(name) }
        for (index, scalar) in scalars.enumerated() {
            let isLetter = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
            let isDigit = ("0"..."9").contains(scalar)
            guard isLetter || (index > 0 && isDigit) else { throw StorageError.invalidTableName(name) }
        }
        if name.lowercased() == "tables" { throw StorageError.invalidTableName(name) }
    }
}
