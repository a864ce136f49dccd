import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The storage emulator as a `Service`: one HTTP listener per enabled storage service, sharing
/// one store and one authenticator. Run it in a `ServiceGroup` (the executable does, and so can
/// the daemon), or use `RunningEmulator` to start it in-process for tests.
public struct StorageEmulator: Service {
    public let configuration: EmulatorConfiguration
    public let store: EmulatorStore
    /// The fault plan in force, shared by every service; starts as `configuration.faults`.
    public let faults: FaultInjector
    let handlers: [any StorageServiceHandler]
    /// Present when `configuration.metrics` asked for `/metrics`.
    let metrics: EmulatorMetrics?
    let logger: Logger
    /// Called once per service when its socket is bound, with the actual host and port.
    let onListening: @Sendable (ServiceKind, String, Int) -> Void

    /// Opens the store (running migrations and sweeping leftovers of a crash) and prepares the services.
    public init(
        configuration: EmulatorConfiguration, logger: Logger = Logger(label: "ironviper.emulator"),
        onListening: @escaping @Sendable (ServiceKind, String, Int) -> Void = { _, _, _ in }
    ) throws {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        faults = FaultInjector(plan: configuration.faults)
        store = try EmulatorStore(
            location: configuration.location, migrations: EmulatorServices.migrations,
            unlinkGracePeriod: configuration.unlinkGracePeriod)
        handlers = EmulatorServices.handlers(store: store, features: configuration.accountFeatures)
            .filter { configuration.services.contains($0.kind) }
        metrics = configuration.metrics ? EmulatorMetrics(store: store) : nil
    }

    /// How many services will listen (those configured that this build provides).
    public var serviceCount: Int { handlers.count }

    public func run() async throws {
        let authenticator = Authenticator(
            accounts: configuration.accounts, policies: EmulatorServices.policyLookup(store: store), loose: configuration.loose)
        let accessLog = AccessLog(silent: configuration.silent, debugPath: configuration.debugLogPath)
        let started = Date()
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask(priority: .background) { [store, logger] in
                await EmulatorServices.sweepLeftovers(store: store, started: started, logger: logger)
            }
            // Loops until the emulator shuts down (a graceful shutdown cancels it), so the group can end.
            if configuration.services.contains(.blob) {
                group.addTask(priority: .background) { [store, logger, configuration] in
                    let purge = BlobPurge(store: BlobStore(store: store), features: configuration.accountFeatures)
                    await cancelWhenGracefulShutdown { await purge.run(logger: logger) }
                }
            }
            for handler in handlers {
                let endpoint = configuration.endpoint(handler.kind)
                let responder = StorageResponder(
                    handler: handler, authenticator: authenticator, store: store, accessLog: accessLog, faults: faults,
                    metrics: metrics)
                var appLogger = logger
                // Hummingbird's own start-up lines would duplicate the emulator's ready line.
                appLogger.logLevel = max(logger.logLevel, .warning)
                let onListening = self.onListening
                let kind = handler.kind
                let slots = ConnectionLimit.Slots(maximum: configuration.maximumConnections)
                let app = Application(
                    responder: responder,
                    server: .http1(
                        configuration: .init(
                            additionalChannelHandlers: [ConnectionLimit(slots: slots), RequestHeadErrors(), AzureErrorCodes()],
                            idleTimeout: TimeAmount(configuration.idleTimeout))),
                    configuration: .init(
                        address: .hostname(endpoint.host, port: endpoint.port), serverName: nil, reuseAddress: true),
                    onServerRunning: { channel in
                        let port = channel.localAddress?.port ?? endpoint.port
                        onListening(kind, endpoint.host, port)
                    },
                    logger: appLogger)
                group.addTask { try await app.run() }
            }
        }
    }
}
