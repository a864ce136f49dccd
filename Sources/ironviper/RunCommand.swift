import ArgumentParser
import BackupDaemon
import Logging
import ServiceLifecycle

/// `ironviper run`: the daemon in the foreground (what systemd starts).
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Watch the configured libraries and keep them backed up (foreground; for systemd).",
        discussion: """
            SIGTERM stops gracefully, SIGHUP reloads the configuration (a bad one is refused), SIGUSR1 \
            retries parked operations and syncs now. With no connection string the bundled emulator \
            keeps the backup in the state directory.
            """)

    @OptionGroup var options: DaemonOptions

    func run() async throws {
        HeapReturn.limitArenas()
        let logger = Logger(label: "ironviper")
        _ = try options.load()  // a readable error before anything starts
        let daemon = Daemon(configurationPath: options.configurationPath, system: options.system, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [daemon], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
