/// What an injected fault does to one request. Raw values are the names used on the command line and in JSON.
public enum FaultKind: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// `500 InternalError` with Azure's error body.
    case internalError = "500"
    /// `503 ServerBusy` with `Retry-After`, as Azure throttles.
    case serverBusy = "503"
    /// `408 OperationTimedOut`.
    case timedOut = "408"
    /// The connection is reset (RST) with no response at all.
    case reset
    /// The request body is read halfway and the connection reset; for a GET, the headers and half the body
    /// are sent, then the connection is reset.
    case resetMidBody = "reset-mid-body"
    /// Full headers with the real `Content-Length`, part of the body, then an orderly close.
    case truncate
    /// A delay, then the request is served normally.
    case latency

    /// The name used on the command line and in JSON.
    public var description: String { rawValue }
}

/// When a fault strikes relative to the operation.
public enum FaultPhase: String, Sendable, Codable, CaseIterable {
    /// The operation is not applied: the client's view that it failed is the truth.
    case before
    /// The operation is applied and committed, then its response is replaced by the fault: the client believes it
    /// failed although it succeeded, which is what proves a client's retries are idempotent.
    case after
}
