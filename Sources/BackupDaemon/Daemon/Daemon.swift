import Catalog
import Ingest
import Foundation
import Logging
import ServiceLifecycle
import Sync
import Telemetry

/// `ironviper run`: the daemon as a swift-service-lifecycle `Service`. It holds the state directory's
/// lock, the catalog and the storage backend for its whole life, and runs one `DaemonSession` per
/// configuration: a `SIGHUP` with a valid file starts the next session (restarting the storage
/// backend only when its settings changed), SIGTERM ends the current one gracefully.
package struct Daemon: Service {
    package let configurationPath: String
    package let system: Bool
    let logger: Logger
    let notifier: SystemdNotifier

    package init(configurationPath: String, system: Bool, logger: Logger, notifier: SystemdNotifier = SystemdNotifier()) {
        self.configurationPath = configurationPath
        self.system = system
        self.logger = logger
        self.notifier = notifier
    }

    package func run() async throws {
        var configuration = try DaemonConfiguration.load(file: configurationPath)
        let stateDirectory = StateDirectory.resolve(configured: configuration.stateDirectory, system: system)
        let lock = try DaemonLock(stateDirectory: stateDirectory)
        let location = DataLocation(directory: stateDirectory)
        let catalog = try Catalog(path: location.catalogPath)
        let previews = PreviewStore(root: location.previewsPath)
        let metrics = DaemonMetrics(catalog: catalog, logger: logger)
        let ledger = RequestLedger(catalog: catalog, logger: logger)
        // Before any storage starts: a gallery the security rules refuse stops the daemon with the reason.
        let currentStorage = CurrentStorage()
        let gallery = try DaemonGallery.start(
            configuration: configuration, location: location, catalog: catalog, storage: currentStorage, logger: logger)
        defer { gallery?.cancel() }
        var storage = try await StorageBackend.start(
            configuration: configuration, stateDirectory: stateDirectory, logger: logger,
            metrics: metrics.registry.factory, observer: ledger)
        currentStorage.set(storage.client)
        let metricsServer = await serveMetrics(configuration.metrics, metrics: metrics)
        logger.notice(
            "ironviper started",
            metadata: ["config": "\(configurationPath)", "state": "\(stateDirectory)", "storage": "\(storage.summary)"])
        var snapshot = DaemonSnapshot(
            pid: getpid(), startedAt: Date(), state: .starting, storage: storage.summary,
            libraries: configuration.libraries.map(DaemonSnapshot.Library.init))
        snapshot.metrics = metricsServer?.url
        snapshot.emulator = storage.emulatorConnectionString
        do {
            sessions: while true {
                let session = DaemonSession(
                    configuration: configuration, configurationPath: configurationPath, catalog: catalog,
                    previews: previews, storage: storage, notifier: notifier, stateDirectory: stateDirectory,
                    snapshot: snapshot, logger: logger)
                metrics.follow { session.snapshot.withLock { $0 } }
                let outcome = try await withGracefulShutdownHandler {
                    try await cancelWhenGracefulShutdown { try await session.run() }
                } onGracefulShutdown: { [notifier, logger] in
                    logger.notice("stopping: work in flight finishes, the rest stays in the outbox")
                    try? notifier.stopping()
                }
                snapshot = session.snapshot.withLock { $0 }
                switch outcome {
                case .stopped:
                    break sessions
                case .reload(let fresh):
                    let freshState = StateDirectory.resolve(configured: fresh.stateDirectory, system: system)
                    if freshState != stateDirectory {
                        logger.warning("state_directory changes take effect at the next start", metadata: ["running": "\(stateDirectory)"])
                    }
                    if fresh.metrics != configuration.metrics {
                        logger.warning("[metrics] changes take effect at the next start", metadata: ["serving": "\(snapshot.metrics ?? "off")"])
                    }
                    if fresh.storage != configuration.storage || fresh.emulator != configuration.emulator {
                        await storage.shutdown()
                        storage = try await StorageBackend.start(
                            configuration: fresh, stateDirectory: stateDirectory, logger: logger,
                            metrics: metrics.registry.factory, observer: ledger)
                        currentStorage.set(storage.client)
                        logger.notice("storage changed", metadata: ["storage": "\(storage.summary)"])
                        snapshot.storage = storage.summary
                        snapshot.emulator = storage.emulatorConnectionString
                    }
                    configuration = fresh
                    snapshot.lastError = nil
                    snapshot.libraries = fresh.libraries.map(DaemonSnapshot.Library.init)
                    snapshot.state = .reloading
                }
            }
        } catch {
            snapshot.state = .failed
            snapshot.lastError = "\(error)"
            try? snapshot.write(stateDirectory: stateDirectory)
            await storage.shutdown()
            await metricsServer?.shutdown()
            ledger.flush()
            throw error
        }
        snapshot.state = .stopped
        snapshot.updatedAt = Date()
        try? snapshot.write(stateDirectory: stateDirectory)
        await storage.shutdown()
        await metricsServer?.shutdown()
        ledger.flush()
        withExtendedLifetime(lock) {}
        logger.notice("ironviper stopped")
    }

    /// Starts the metrics listener `[metrics]` asks for. A listener that cannot bind (the port in use) is logged
    /// and left out: backups go on without metrics rather than stop for them.
    private func serveMetrics(_ settings: DaemonConfiguration.Metrics, metrics: DaemonMetrics) async
        -> RunningMetricsServer?
    {
        guard let listen = settings.listen else { return nil }
        do {
            let server = try await RunningMetricsServer.start(
                host: listen.host, port: listen.port, registry: metrics.registry, logger: logger,
                refresh: { metrics.refresh() })
            logger.notice("serving metrics", metadata: ["url": "\(server.url)"])
            return server
        } catch {
            logger.error(
                "metrics not served: cannot listen on \(listen.host):\(listen.port)", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
