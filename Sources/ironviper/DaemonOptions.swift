import ArgumentParser
import BackupDaemon

/// Which configuration (and so which state directory) a daemon command works with.
struct DaemonOptions: ParsableArguments {
    @Option(help: "The configuration file (default: ~/.config/ironviper/config.toml, or /etc/ironviper/config.toml with --system).")
    var config: String?

    @Flag(help: "The system service's configuration and state (/etc/ironviper, /var/lib/ironviper).")
    var system = false

    var configurationPath: String { ConfigurationFile.path(override: config, system: system) }

    /// The configuration, failing with the file, key and reason.
    func load() throws -> DaemonConfiguration {
        do {
            return try DaemonConfiguration.load(file: configurationPath)
        } catch {
            throw ValidationError("\(error)\n(`ironviper init` writes a starting configuration)")
        }
    }

    func stateDirectory(_ configuration: DaemonConfiguration) -> String {
        StateDirectory.resolve(configured: configuration.stateDirectory, system: system)
    }
}
