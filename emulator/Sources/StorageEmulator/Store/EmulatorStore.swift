import Foundation
import GRDB

/// The emulator's persistent state: one SQLite database (WAL) for every service's metadata,
/// and a data directory for blob bytes too large to keep inline.
///
/// Each service registers its own tables as migrations; the store runs them all at start.
/// Durability: SQLite runs with `synchronous=FULL`, so a transaction is on disk before the
/// response that reports it is sent.
public final class EmulatorStore: Sendable {
    /// The metadata database. Writes are serialized by GRDB; readers never block the writer.
    public let database: any DatabaseWriter
    /// Where blob and block bytes live (a directory, or memory with `--inMemoryPersistence`).
    public let chunks: ChunkStorage

    /// How long unreferenced chunk files wait before they are unlinked.
    public let unlinkGracePeriod: Duration

    /// Opens (creating if needed) the store under `location`, or an in-memory one when `location` is nil.
    public init(
        location: String?, migrations: [(String, @Sendable (Database) throws -> Void)], unlinkGracePeriod: Duration = .seconds(30)
    ) throws {
        self.unlinkGracePeriod = unlinkGracePeriod
        var configuration = Configuration()
        // A previous instance may still be closing its connections (a restart in the same process, or a
        // process that is exiting): wait for its locks rather than fail.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        if let location {
            try FileManager.default.createDirectory(atPath: location, withIntermediateDirectories: true)
            let path = (location as NSString).appendingPathComponent("emulator.sqlite3")
            database = try DatabasePool(path: path, configuration: configuration)
            chunks = try ChunkStorage(directory: (location as NSString).appendingPathComponent("data"))
        } else {
            database = try DatabaseQueue(configuration: configuration)
            chunks = ChunkStorage.inMemory()
        }
        var migrator = DatabaseMigrator()
        for (name, migration) in migrations { migrator.registerMigration(name, migrate: migration) }
        try migrator.migrate(database)
    }
}
