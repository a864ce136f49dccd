import GRDB

/// The Table service's tables.
///
/// Table names are case-insensitive in Azure but keep the case they were created with, so the key
/// is the lowercased name and `name` keeps the original. Entities are ordered by their keys, which
/// is the order queries return them in; their custom properties are one `EntityCodec` blob.
enum TableSchema {
    static let migrations: [(String, @Sendable (Database) throws -> Void)] = [("table-v1", v1)]

    @Sendable static func v1(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE tables (
                    account TEXT NOT NULL,
                    lower_name TEXT NOT NULL,
                    name TEXT NOT NULL,
                    created INTEGER NOT NULL,
                    acl TEXT NOT NULL DEFAULT '[]',
                    PRIMARY KEY (account, lower_name)
                ) WITHOUT ROWID;

                CREATE TABLE table_entities (
                    account TEXT NOT NULL,
                    table_name TEXT NOT NULL,
                    partition_key TEXT NOT NULL,
                    row_key TEXT NOT NULL,
                    timestamp INTEGER NOT NULL,
                    properties BLOB NOT NULL,
                    PRIMARY KEY (account, table_name, partition_key, row_key),
                    FOREIGN KEY (account, table_name) REFERENCES tables(account, lower_name) ON DELETE CASCADE
                ) WITHOUT ROWID;

                CREATE TABLE table_service_properties (
                    account TEXT PRIMARY KEY,
                    xml TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
    }
}
