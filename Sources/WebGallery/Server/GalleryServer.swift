import Catalog
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The web gallery as a swift-service-lifecycle `Service`: run by the daemon beside its sessions and by
/// `ironviper serve` alone. `init` refuses a configuration the security rules forbid, before any socket is
/// bound; `onListening` gets the bound address (port 0 picks a free one: tests, `serve --listen …:0`).
package struct GalleryServer: Service {
    package let configuration: GalleryConfiguration
    let catalog: Catalog
    let logger: Logger
    let onListening: @Sendable (ListenAddress) -> Void
    /// Called after `POST /api/v1/status/retry` reset the parked rows (the daemon wakes its sync engine).
    let onRetry: @Sendable () -> Void
    /// Originals gone from this machine, fetched from the cloud (the daemon's storage); nil for none.
    let cloud: CloudOriginals?
    /// Previews made in the cloud and not downloaded yet, fetched on first view (the daemon's storage); nil for none.
    let cloudPreviews: CloudPreviews?

    package init(
        configuration: GalleryConfiguration, catalog: Catalog, logger: Logger = Logger(label: "ironviper.web"),
        cloud: CloudOriginals? = nil, cloudPreviews: CloudPreviews? = nil, onRetry: @escaping @Sendable () -> Void = {},
        onListening: @escaping @Sendable (ListenAddress) -> Void = { _ in }
    ) throws {
        try configuration.validate()
        self.configuration = configuration
        self.catalog = catalog
        self.logger = logger
        self.cloud = cloud
        self.cloudPreviews = cloudPreviews
        self.onRetry = onRetry
        self.onListening = onListening
    }

    package func run() async throws {
        let router = GalleryRouter.make(
            configuration: configuration, catalog: catalog, csrfToken: CSRFProtection<BasicRequestContext>.makeToken(),
            cloud: cloud, cloudPreviews: cloudPreviews, onRetry: onRetry)
        var appLogger = logger
        appLogger.logLevel = max(logger.logLevel, .warning)  // Hummingbird's own start line would repeat ours
        let listen = configuration.listen
        let logger = self.logger
        let onListening = self.onListening
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: nil),
            onServerRunning: { channel in
                let bound = ListenAddress(host: listen.host, port: channel.localAddress?.port ?? listen.port)
                logger.notice("gallery listening", metadata: ["url": "http://\(bound)/"])
                onListening(bound)
            },
            logger: appLogger)
        try await app.run()
    }
}
