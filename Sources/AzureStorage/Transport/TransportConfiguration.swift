/// How the libcurl transport behaves. Defaults suit both real Azure over HTTPS and the local emulator.
package struct TransportConfiguration: Sendable {
    /// Requests in flight at once; each runs on its own pool thread with its own kept-alive connection.
    package var maxConcurrentRequests = 16
    /// Give up connecting after this long (DNS, TCP and TLS handshakes).
    package var connectTimeout: Duration = .seconds(15)
    /// Abort a transfer that moved no byte for this long: a stalled network, not a slow one.
    package var stallTimeout: Duration = .seconds(60)
    /// Sent as `User-Agent`.
    package var userAgent = "ironviper-azurestorage/1 libcurl"
    /// How much curl hands the read callback at once when uploading (curl caps it at 2 MiB).
    package var uploadBufferSize = 1 << 20
    /// How much curl reads from the socket at once when downloading.
    package var downloadBufferSize = 512 << 10
    /// A CA bundle to trust instead of the system store (tests with a private CA); nil uses the system store.
    package var caBundlePath: String?
    /// curl's own trace on standard error, for debugging a connection by hand.
    package var verbose = false

    package init() {}
}
