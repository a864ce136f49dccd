import ArgumentParser
import Catalog
import Foundation
import BackupDaemon
import Logging
import Sync

/// `ironviper sync [--wait]`: work the outbox now. With a daemon running it is asked to (SIGUSR1:
/// parked operations retried, outbox worked at once); without one this process drains the outbox itself.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Retry parked operations and sync the outbox now.")

    @OptionGroup var options: DaemonOptions

    @Flag(help: "Wait until the outbox is empty (or only parked operations remain) and report.")
    var wait = false

    @Option(help: "With --wait, give up after this many seconds.")
    var timeout: Double = 3600

    func run() async throws {
        let configuration = try options.load()
        let stateDirectory = options.stateDirectory(configuration)
        let catalogPath = DataLocation(directory: stateDirectory).catalogPath
        if let pid = DaemonLock.holder(stateDirectory: stateDirectory) {
            guard kill(pid, SIGUSR1) == 0 else {
                throw ValidationError("cannot signal the daemon (pid \(pid)): \(String(cString: strerror(errno)))")
            }
            print("asked the daemon (pid \(pid)) to sync")
            guard wait else { return }
            let catalog = try Catalog(path: catalogPath)
            let deadline = Date().addingTimeInterval(timeout)
            // The signal reaches the daemon asynchronously: give it a moment before the first look.
            try await Task.sleep(for: .milliseconds(500))
            while true {
                let status = try OutboxStatus.read(from: catalog)
                if status.depth == 0 { return report(status) }
                guard Date() < deadline else {
                    report(status)
                    throw ExitCode(2)
                }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
        // No daemon: drain here, with the same storage the daemon would use.
        let logger = Logger(label: "ironviper.sync")
        let catalog = try Catalog(path: catalogPath)
        // Counted like the daemon's requests, so `ironviper cost` sees what this drain sent.
        let ledger = RequestLedger(catalog: catalog, logger: logger)
        defer { ledger.flush() }
        let status = try await StorageBackend.start(
            configuration: configuration, stateDirectory: stateDirectory, logger: logger, observer: ledger
        ).use { storage in
            let device = try await DeviceIdentity.prepare(
                configured: configuration.device, catalog: catalog, storage: storage.client, logger: logger)
            let options = configuration.syncOptions(
                previewsRoot: DataLocation(directory: stateDirectory).previewsPath, device: device)
            let engine = SyncEngine(catalog: catalog, storage: storage.client, options: options, logger: logger)
            try engine.retryParked()
            return try await engine.drain()
        }
        report(status)
        if !status.parked.isEmpty { throw ExitCode(2) }
    }

    private func report(_ status: OutboxStatus) {
        print("outbox: \(status.depth) pending, \(status.done) done, \(status.parked.count) parked; last success \(status.lastSuccess ?? "never")")
        for row in status.parked {
            print("  parked \(row.kind) \(row.path ?? row.target): \(row.lastError ?? "")")
        }
    }
}
