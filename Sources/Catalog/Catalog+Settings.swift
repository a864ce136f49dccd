import GRDB

/// The `settings` table: single facts about this catalog (its device, how its cloud rows are keyed,
/// what the daemon last saw of the poison queue), each under a key.
extension Catalog {
    func setting(_ key: String) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key]) }
    }

    func setSetting(_ key: String, to value: String) throws {
        try write { db in
            try db.execute(
                sql:
                    "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                arguments: [key, value])
        }
    }
}
