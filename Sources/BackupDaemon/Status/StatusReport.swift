import Catalog
import Foundation
import Sync

/// What `ironviper status` shows, gathered by a second process while the daemon runs: the daemon's
/// own status file (its state, storage, watch fallbacks), and the catalog read directly (files per
/// library, the outbox: depth, bytes pending, last success, parked operations with their errors;
/// files that could not be read or converted, with the reason).
package struct StatusReport: Codable, Sendable {
    package struct Library: Codable, Sendable {
        package var name: String
        package var path: String
        package var files: LibraryCounts
        package var unwatchedFolders: [String]
    }

    /// Whether a daemon holds the state directory's lock right now.
    package var running: Bool
    package var pid: Int32?
    package var state: DaemonState?
    /// The device this state directory's rows in the cloud are keyed under.
    package var device: String?
    package var startedAt: Date?
    package var storage: String?
    /// The running daemon's bundled emulator, as a connection string (nil with an account of its own).
    package var emulator: String?
    /// Where the running daemon serves Prometheus metrics (`[metrics] listen`, the port it bound).
    package var metrics: String?
    package var stateDirectory: String
    package var libraries: [Library]
    package var outbox: OutboxStatus
    package var lastScanAt: Date?
    /// Where previews are made, and with `cloud` how many contents still wait for `ironviper worker`
    /// (their extract message sent or queued, their description not yet learned from the rows).
    package var previews: String
    package var previewsAwaitingCloud: Int
    /// Extract messages in the poison queue when the daemon last looked (nil: it never looked).
    package var extractMessagesPoisoned: Int?
    /// Files the running daemon read and hashed since it started, and files it renamed or moved in
    /// the catalog without reading them (a folder rename): the second shows renames cost no reads.
    package var filesIngested: Int?
    package var filesMovedWithoutReading: Int?
    package var lastError: String?
    /// The running daemon's loops: last heartbeat, work in flight, whether one is stuck.
    package var loops: [LoopHeartbeat]?
    /// Files and folders that could not be backed up as they are, newest first (at most 50), and
    /// how many there are in all.
    package var problems: [FileProblem]
    package var problemCount: Int

    package static func gather(configuration: DaemonConfiguration, stateDirectory: String) throws -> StatusReport {
        let holder = DaemonLock.holder(stateDirectory: stateDirectory)
        let snapshot = DaemonSnapshot.read(stateDirectory: stateDirectory)
        let catalogPath = DataLocation(directory: stateDirectory).catalogPath
        guard FileManager.default.fileExists(atPath: catalogPath) else {
            throw DaemonError("no catalog at \(catalogPath): the daemon has not run with this configuration yet")
        }
        let catalog = try Catalog(path: catalogPath)
        let counts = try catalog.libraryCounts()
        let outbox = try OutboxStatus.read(from: catalog)
        let problems = try catalog.problems(limit: 50)
        let libraries = configuration.libraries.map { library in
            Library(
                name: library.name, path: library.path, files: counts[library.name] ?? LibraryCounts(),
                unwatchedFolders: snapshot?.libraries.first { $0.name == library.name }?.unwatchedFolders ?? [])
        }
        return StatusReport(
            running: holder != nil, pid: holder, state: holder != nil ? snapshot?.state : .notRunning,
            device: try catalog.device() ?? configuration.device,
            startedAt: holder != nil ? snapshot?.startedAt : nil, storage: snapshot?.storage,
            emulator: holder != nil ? snapshot?.emulator : nil,
            metrics: holder != nil ? snapshot?.metrics : nil, stateDirectory: stateDirectory, libraries: libraries, outbox: outbox, lastScanAt: snapshot?.lastScanAt,
            previews: configuration.previews.location.rawValue,
            previewsAwaitingCloud: try catalog.awaitingCloudDescriptionCount(),
            extractMessagesPoisoned: try catalog.poisonedExtractMessages(),
            filesIngested: holder != nil ? snapshot?.filesIngested : nil,
            filesMovedWithoutReading: holder != nil ? snapshot?.filesMovedWithoutReading : nil,
            lastError: snapshot?.lastError, loops: holder != nil ? snapshot?.loops : nil, problems: problems.list,
            problemCount: problems.total)
    }
}
