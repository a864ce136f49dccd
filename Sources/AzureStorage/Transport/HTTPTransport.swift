import CCurl
import NIOPosix
import Synchronization

/// The one HTTP client of ironviper: libcurl easy handles run on a dedicated thread pool (never on
/// Swift's cooperative pool), each kept alive and reused so its connection is reused too; DNS and
/// TLS sessions are shared across them. TLS uses the system CA store; `HTTPS_PROXY`/`NO_PROXY`
/// are honoured by curl itself.
///
/// Call `shutdown()` when done: it stops the threads.
package final class HTTPTransport: Sendable {
    package let configuration: TransportConfiguration
    private let pool: NIOThreadPool
    private let share: CurlShare
    /// Idle handles, most recently used last: reusing the warmest one reuses its open connection.
    private let idle = Mutex<[CurlEasy]>([])

    /// Starts the pool threads.
    package init(configuration: TransportConfiguration = TransportConfiguration()) throws(AzureStorageError) {
        guard let share = CurlShare() else {
            throw AzureStorageError(
                .transport, operation: "start transport", curlError: "curl_global_init or curl_share_init failed")
        }
        self.configuration = configuration
        self.share = share
        pool = NIOThreadPool(numberOfThreads: max(1, configuration.maxConcurrentRequests))
        pool.start()
    }

    /// Stops the pool threads once the requests in flight have finished.
    package func shutdown() async {
        try? await pool.shutdownGracefully()
        idle.withLock { $0.removeAll() }
    }

    /// Runs one exchange. Throws `TransportFailure` when no HTTP answer came, `CancellationError`
    /// when the task was cancelled (the transfer is aborted within about a second).
    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let cancellation = CancellationFlag()
        let result = try await withTaskCancellationHandler {
            try await pool.runIfActive { [self] () -> Result<TransportResponse, TransportFailure> in
                if cancellation.isCancelled {
                    return .failure(
                        TransportFailure(
                            code: Int(CURLE_ABORTED_BY_CALLBACK.rawValue), message: "cancelled", requestSent: false))
                }
                guard let easy = checkout() else {
                    return .failure(TransportFailure(code: -1, message: "curl_easy_init failed", requestSent: false))
                }
                let result = easy.perform(
                    request, share: share, configuration: configuration, cancellation: cancellation)
                checkin(easy)
                return result
            }
        } onCancel: {
            cancellation.cancel()
        }
        switch result {
        case .success(let response):
            return response
        case .failure(let failure):
            if cancellation.isCancelled { throw CancellationError() }
            throw failure
        }
    }

    /// Runs blocking work (file reads, fsync) on the transport's threads instead of the cooperative pool.
    func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }

    private func checkout() -> CurlEasy? {
        if let easy = idle.withLock({ $0.popLast() }) { return easy }
        return CurlEasy()
    }

    private func checkin(_ easy: CurlEasy) {
        idle.withLock { $0.append(easy) }
    }
}

// A handle is owned by one thread at a time: taken from `idle`, used by one pool thread, put back.
extension CurlEasy: @unchecked Sendable {}
