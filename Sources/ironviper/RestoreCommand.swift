import ArgumentParser
import AzureStorage
import Catalog
import Foundation
import BackupDaemon
import Logging
import Sync

/// `ironviper restore --to DIR`: recreates folder trees from the cloud alone (paths from the `files`
/// or `history` table, bytes from the masters), so a fresh machine needs only the connection string.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore files from the cloud into a folder (needs only a connection string).",
        discussion: """
            Restores one device's files: --device, else this machine's (its configuration or catalog), \
            else the only device the account holds (`ironviper device list` shows them). Without \
            --library each library goes into its own sub-folder of --to. A rerun after an interruption \
            skips files already in place with the right size and SHA-256. --rebuild-catalog first \
            rebuilds the device's files, history and refs rows from the masters' metadata (for when the \
            tables are lost): only the first known path of each content comes back that way.
            """)

    @OptionGroup var cloud: CloudOptions

    @Option(help: "The folder to restore into (created if needed).")
    var to: String

    @Option(help: "The device whose files to restore (default: this machine's, or the account's only one).")
    var device: String?

    @Option(help: "Only this library; its files go straight under --to.")
    var library: String?

    @Option(help: "Only this folder (or file) of the library, e.g. 2024/trip.")
    var prefix: String?

    @Option(help: "The state at this time (ISO 8601, e.g. 2025-06-01T12:00:00Z), from the history table.")
    var at: String?

    @Flag(help: "Rebuild the device's files, history and refs rows from the masters' metadata first.")
    var rebuildCatalog = false

    @Option(help: "Masters downloading at once.")
    var concurrency = 4

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        let time = try at.map { text -> Date in
            guard let date = Self.parseTime(text) else {
                throw ValidationError("--at \(text) is not an ISO 8601 time such as 2025-06-01T12:00:00Z")
            }
            return date
        }
        try await cloud.start(requireExplicit: true).use { storage in try await restore(storage: storage.client, at: time) }
    }

    /// `--device`, else this machine's device (configuration, then catalog), else the account's only one.
    private func chosenDevice(storage: StorageClient) async throws -> DeviceKeys {
        if let device { return DeviceKeys(device: try DeviceName.validated(device)) }
        let configuration = try cloud.configuration()
        if let configured = configuration.device { return DeviceKeys(device: configured) }
        let catalogPath = DataLocation(directory: cloud.daemon.stateDirectory(configuration)).catalogPath
        if FileManager.default.fileExists(atPath: catalogPath), let recorded = try Catalog(path: catalogPath).device() {
            return DeviceKeys(device: recorded)
        }
        return DeviceKeys(device: try await DeviceDirectory(storage: storage).onlyDevice())
    }

    private func restore(storage: StorageClient, at time: Date?) async throws {
        let device = try await chosenDevice(storage: storage)
        if rebuildCatalog {
            let rebuilt = try await TableRebuilder(storage: storage, device: device).rebuild()
            let line =
                "rebuilt tables from \(rebuilt.masters) masters: \(rebuilt.rowsWritten) rows written, "
                + "\(rebuilt.rowsKept) kept, \(rebuilt.unnamed.count) masters name no path, "
                + "\(rebuilt.otherDevices) belong to other devices\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
        let items = try await RestorePlanner(storage: storage, device: device).plan(
            RestoreSelection(library: library, prefix: prefix, at: time))
        var options = RestoreOptions(target: (to as NSString).standardizingPath)
        options.libraryFolders = library == nil
        options.concurrency = max(1, concurrency)
        let display = ProgressDisplay.onTerminal && !json ? ProgressDisplay(label: "restore") : nil
        let report = try await RestoreRunner(storage: storage, options: options).run(items) { progress in
            display?.update(progress)
        }
        display?.finish()
        if json {
            try JSONOutput.print(report)
        } else {
            print(
                "restored \(report.restored) of \(report.selected) files into \(options.target) "
                    + "(\(report.alreadyPresent) already in place, \(report.downloads) downloads, "
                    + "\(Format.bytes(report.bytesDownloaded)), \(report.localCopies) local copies) "
                    + "in \(String(format: "%.1f", report.seconds)) s")
            if report.temporariesRemoved > 0 {
                print("removed \(report.temporariesRemoved) temporaries of an interrupted restore")
            }
            for failure in report.failures { print("  failed \(failure.library)/\(failure.path): \(failure.message)") }
        }
        if !report.failures.isEmpty { throw ExitCode(1) }
    }

    static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime], [.withFullDate],
        ] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

/// Where the cloud is, for commands that talk to it: `--connection-string`, else the daemon's own
/// resolution (`StorageBackend`: systemd credential, `IRONVIPER_CONNECTION_STRING`, the configuration,
/// or the bundled emulator of the configuration's state directory).
struct CloudOptions: ParsableArguments {
    @Option(help: "Azure Storage connection string (default: $IRONVIPER_CONNECTION_STRING or the configuration).")
    var connectionString: String?

    @OptionGroup var daemon: DaemonOptions

    /// The configuration, or an empty one when the file does not exist (a fresh machine).
    func configuration() throws -> DaemonConfiguration {
        if FileManager.default.fileExists(atPath: daemon.configurationPath) { return try daemon.load() }
        return DaemonConfiguration(libraries: [])
    }

    /// Starts the storage client. With `requireExplicit`, a missing configuration and no connection
    /// string is an error rather than an empty emulator of a state directory that was never used. `observer`
    /// counts the requests (into a catalog's ledger, for `cost`).
    func start(requireExplicit: Bool, observer: (any RequestObserver)? = nil) async throws -> StorageBackend {
        let configuration = try configuration()
        var environment = ProcessInfo.processInfo.environment
        if let connectionString {
            environment[StorageSecret.environmentVariable] = connectionString
            environment["CREDENTIALS_DIRECTORY"] = nil  // the flag wins over a systemd credential
        }
        let configured = try StorageSecret.connectionString(configuration: configuration, environment: environment)
        let hasConfiguration = FileManager.default.fileExists(atPath: daemon.configurationPath)
        if configured == nil, requireExplicit, !hasConfiguration {
            throw ValidationError(
                "no storage: pass --connection-string, set \(StorageSecret.environmentVariable), or give a --config")
        }
        return try await StorageBackend.start(
            configuration: configuration, stateDirectory: daemon.stateDirectory(configuration),
            environment: environment, logger: Self.logger, observer: observer)
    }

    static var logger: Logger { Logger(label: "ironviper.cloud") }
}
