import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Serves a registry's exposition at `GET /metrics` over HTTP, as a swift-service-lifecycle `Service`.
/// It binds only the address it is given (the daemon's default is loopback: the figures name libraries and
/// paths' counts, nothing for the network); port 0 takes a free port, reported through `onListening`.
package struct MetricsServer: Service {
    package let host: String
    package let port: Int
    let registry: MetricsRegistry
    /// Runs before each scrape: gauges read from elsewhere (the catalog) are set here, so they are as fresh
    /// as the scrape and cost nothing between scrapes.
    let refresh: @Sendable () async -> Void
    let onListening: @Sendable (String, Int) -> Void
    let logger: Logger

    package init(
        host: String, port: Int, registry: MetricsRegistry, logger: Logger,
        refresh: @escaping @Sendable () async -> Void = {},
        onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }
    ) {
        self.host = host
        self.port = port
        self.registry = registry
        self.refresh = refresh
        self.onListening = onListening
        self.logger = logger
    }

    package func run() async throws {
        let router = Router()
        router.get("/metrics") { [registry, refresh] _, _ -> Response in
            await refresh()
            return MetricsServer.response(registry.exposition())
        }
        var appLogger = logger
        // Hummingbird's start-up lines would repeat the daemon's own.
        appLogger.logLevel = max(logger.logLevel, .warning)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { [host, port, onListening] channel in
                onListening(host, channel.localAddress?.port ?? port)
            },
            logger: appLogger)
        try await app.run()
    }

    /// The exposition as Prometheus' text format 0.0.4 (what its scraper and `promtool` expect).
    package static func response(_ body: [UInt8]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
