/// Where a request body comes from. Both forms can be re-read, so a request can be retried.
enum RequestBody: Sendable {
    case empty
    /// Bytes already in memory (XML bodies, one block of a large upload).
    case bytes([UInt8])
    /// A slice of a file, read as curl asks for it: a large master is never held in memory.
    case file(path: String, offset: Int64, length: Int64)

    var length: Int64 {
        switch self {
        case .empty: 0
        case .bytes(let bytes): Int64(bytes.count)
        case .file(_, _, let length): length
        }
    }
}

/// Where a successful response body goes. Error bodies always go to memory, to be read for the message.
enum ResponseSink: Sendable {
    case memory
    /// Written with `pwrite` at `offset` onwards into an already open file (parallel ranges share one descriptor),
    /// hashed on the way when `digest` names a hash.
    case file(descriptor: Int32, offset: Int64, digest: ContentCheck.Hash?)
}

/// One HTTP exchange for the transport: everything is final (signed, dated) by the time it gets here.
struct TransportRequest: Sendable {
    var method: String
    var url: String
    var headers: HTTPHeaders
    var body: RequestBody = .empty
    var sink: ResponseSink = .memory
}

/// What came back.
struct TransportResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    /// The body when it went to memory (always, for error statuses).
    var body: [UInt8]
    /// Bytes written to the file sink.
    var bytesWritten: Int64
    /// The digest of the bytes written to the file sink, when the sink asked for one.
    var digest: [UInt8]?
}

/// A request that got no HTTP answer.
struct TransportFailure: Error, Sendable {
    /// curl's `CURLcode`.
    var code: Int
    /// curl's error buffer, or `curl_easy_strerror` when the buffer is empty.
    var message: String
    /// Whether any byte of the request reached the wire: if not, even a non-idempotent request can be resent.
    var requestSent: Bool
    /// A local file problem (errno text) rather than a network one.
    var fileError: String?
}
