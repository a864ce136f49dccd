import Foundation

/// What only the running daemon knows (its watches, its storage, when it last synced), written to
/// `status.json` in the state directory so that `ironviper status` — a second process — can show it
/// next to what it reads from the catalog itself. Written atomically (temporary file and rename).
public struct DaemonSnapshot: Codable, Sendable, Equatable {
    public struct Library: Codable, Sendable, Equatable {
        public var name: String
        public var path: String
        /// Folders inotify could not watch (its limit reached): rescanned periodically instead.
        public var unwatchedFolders: [String]

        public init(name: String, path: String, unwatchedFolders: [String] = []) {
            self.name = name
            self.path = path
            self.unwatchedFolders = unwatchedFolders
        }

        /// A configured library, before anything about its watches is known.
        public init(_ library: DaemonConfiguration.Library) {
            self.init(name: library.name, path: library.path)
        }
    }

    public var pid: Int32
    public var startedAt: Date
    public var updatedAt: Date
    /// starting, running, reloading, stopping.
    public var state: String
    public var storage: String
    public var libraries: [Library]
    /// When the last reconcile scan (start, overflow, rescan) finished.
    public var lastScanAt: Date?
    /// Files the watcher reported and the daemon ingested since it started.
    public var filesIngested: Int = 0
    /// Files renamed or moved inside a library since start whose catalog rows followed them without a
    /// read (a folder rename is one `lstat` per file, not a re-hash).
    public var filesMovedWithoutReading: Int = 0
    /// Files that could not be read or converted since start (each also in the catalog's errors).
    public var filesFailed: Int = 0
    /// When a cloud operation last succeeded.
    public var lastSyncSuccessAt: Date?
    /// The last error that stopped the whole daemon's progress (not a single file's), if any.
    public var lastError: String?

    public init(pid: Int32, startedAt: Date, state: String, storage: String, libraries: [Library]) {
        self.pid = pid
        self.startedAt = startedAt
        self.updatedAt = startedAt
        self.state = state
        self.storage = storage
        self.libraries = libraries
    }

    public static func path(stateDirectory: String) -> String { stateDirectory + "/status.json" }

    public func write(stateDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = Self.path(stateDirectory: stateDirectory)
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    public static func read(stateDirectory: String) -> DaemonSnapshot? {
        guard let data = FileManager.default.contents(atPath: path(stateDirectory: stateDirectory)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(DaemonSnapshot.self, from: data)
    }
}
