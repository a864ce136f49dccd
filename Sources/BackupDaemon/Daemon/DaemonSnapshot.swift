import Foundation

/// What only the running daemon knows (its watches, its storage, when it last synced), written to
/// `status.json` in the state directory so that `ironviper status` — a second process — can show it
/// next to what it reads from the catalog itself. Written atomically (temporary file and rename).
package struct DaemonSnapshot: Codable, Sendable, Equatable {
    package struct Library: Codable, Sendable, Equatable {
        package var name: String
        package var path: String
        /// Folders inotify could not watch (its limit reached): rescanned periodically instead.
        package var unwatchedFolders: [String]

        package init(name: String, path: String, unwatchedFolders: [String] = []) {
            self.name = name
            self.path = path
            self.unwatchedFolders = unwatchedFolders
        }

        /// A configured library, before anything about its watches is known.
        package init(_ library: DaemonConfiguration.Library) {
            self.init(name: library.name, path: library.path)
        }
    }

    package var pid: Int32
    package var startedAt: Date
    package var updatedAt: Date
    package var state: DaemonState
    /// The device this state directory's rows are keyed under (known once the catalog is open).
    package var device: String?
    package var storage: String
    /// The bundled emulator's connection string when the daemon runs it (its ports may be 0 in the
    /// configuration: this says which it got, for tools and tests that look at what was stored).
    package var emulator: String?
    package var libraries: [Library]
    /// When the last reconcile scan (start, overflow, rescan) finished.
    package var lastScanAt: Date?
    /// Files the watcher reported and the daemon ingested since it started.
    package var filesIngested: Int = 0
    /// Files renamed or moved inside a library since start whose catalog rows followed them without a
    /// read (a folder rename is one `lstat` per file, not a re-hash).
    package var filesMovedWithoutReading: Int = 0
    /// Files that could not be read or converted since start (each also in the catalog's errors).
    package var filesFailed: Int = 0
    /// When a cloud operation last succeeded.
    package var lastSyncSuccessAt: Date?
    /// The last error that stopped the whole daemon's progress (not a single file's), if any.
    package var lastError: String?
    /// Each long-running loop's last heartbeat, and whether it is stuck (optional: files written by
    /// an older daemon have none).
    package var loops: [LoopHeartbeat]?
    /// Where Prometheus metrics are served (`http://HOST:PORT/metrics`), when they are.
    package var metrics: String?
    /// Running totals since start, for the metrics (optional: older status files have none): bytes read by
    /// ingest, new contents described, watch events by kind, rescans by reason (`overflow` among them).
    package var bytesIngested: Int64?
    /// Wall-clock seconds spent ingesting (its rate is the share of time ingest was busy).
    package var ingestSeconds: Double?
    package var newContents: Int?
    package var watchEvents: [String: Int]?
    package var rescans: [String: Int]?

    package init(pid: Int32, startedAt: Date, state: DaemonState, storage: String, libraries: [Library]) {
        self.pid = pid
        self.startedAt = startedAt
        self.updatedAt = startedAt
        self.state = state
        self.storage = storage
        self.libraries = libraries
    }

    package static func path(stateDirectory: String) -> String { stateDirectory + "/status.json" }

    package func write(stateDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = Self.path(stateDirectory: stateDirectory)
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    package static func read(stateDirectory: String) -> DaemonSnapshot? {
        guard let data = FileManager.default.contents(atPath: path(stateDirectory: stateDirectory)) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(DaemonSnapshot.self, from: data)
    }
}

/// What the daemon is doing, as `status` shows it; the raw value is what `status.json` holds.
package enum DaemonState: String, Codable, Sendable {
    case starting, running, reloading, failed, stopped
    /// No daemon holds the state directory (said by `status`, never written by a daemon).
    case notRunning = "not running"
}
