import Logging

/// A `MetricsServer` started on its own task: `start` returns once the socket is bound (with the port it got,
/// so port 0 is read back, never guessed), or throws what stopped it binding (an address in use).
package final class RunningMetricsServer: Sendable {
    package let host: String
    package let port: Int
    private let task: Task<Void, any Error>

    private init(host: String, port: Int, task: Task<Void, any Error>) {
        self.host = host
        self.port = port
        self.task = task
    }

    package static func start(
        host: String, port: Int, registry: MetricsRegistry, logger: Logger,
        refresh: @escaping @Sendable () async -> Void = {}
    ) async throws -> RunningMetricsServer {
        let (bound, continuation) = AsyncStream<Int>.makeStream()
        let server = MetricsServer(
            host: host, port: port, registry: registry, logger: logger, refresh: refresh,
            onListening: { _, port in
                continuation.yield(port)
                continuation.finish()
            })
        let task = Task {
            defer { continuation.finish() }
            try await server.run()
        }
        var ports = bound.makeAsyncIterator()
        guard let actual = await ports.next() else {
            try await task.value
            throw MetricsServerError("the metrics server on \(host):\(port) stopped before it listened")
        }
        return RunningMetricsServer(host: host, port: actual, task: task)
    }

    /// `http://HOST:PORT/metrics` (IPv6 hosts bracketed).
    package var url: String {
        "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/metrics"
    }

    /// Stops listening and waits for the server to end.
    package func shutdown() async {
        task.cancel()
        _ = await task.result
    }
}

package struct MetricsServerError: Error, CustomStringConvertible {
    package var description: String

    init(_ description: String) { self.description = description }
}
