/// Everything that can go wrong talking to Azure Storage, with the context a reader of a log
/// needs to act on it: which operation, what Azure answered (status, `x-ms-error-code`,
/// request id) and what curl said. Account keys never appear here.
package struct AzureStorageError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure, so callers can branch without parsing text.
    package enum Code: String, Sendable {
        /// The connection string could not be understood; `detail` names the bad part.
        case invalidConnectionString
        /// An argument the caller passed cannot be sent (a non-ASCII metadata value, say).
        case invalidArgument
        /// The connection string names no endpoint for the service asked for.
        case missingEndpoint
        /// The request never got an HTTP answer: DNS, connect, TLS, reset, stalled transfer.
        case transport
        /// Azure answered with an error status.
        case service
        /// The bytes received do not match the MD5 Azure holds for them.
        case integrity
        /// Azure answered something this client cannot read.
        case invalidResponse
        /// A local file could not be read or written.
        case fileSystem
    }

    package var code: Code
    /// The operation and its target, for example `PutBlock file-store/3f2a…`.
    package var operation: String
    /// The HTTP status, when Azure answered.
    package var status: Int?
    /// Azure's `x-ms-error-code`, when Azure answered with one.
    package var errorCode: String?
    /// Azure's `x-ms-request-id`, which Azure support asks for.
    package var requestID: String?
    /// curl's error text (its error buffer, or `curl_easy_strerror`), for transport failures.
    package var curlError: String?
    /// Anything else: the service's message, the bad connection-string part, errno text.
    package var detail: String?
    /// How many times the request was sent before giving up.
    package var attempts: Int

    package init(
        _ code: Code, operation: String, status: Int? = nil, errorCode: String? = nil, requestID: String? = nil,
        curlError: String? = nil, detail: String? = nil, attempts: Int = 1
    ) {
        self.code = code
        self.operation = operation
        self.status = status
        self.errorCode = errorCode
        self.requestID = requestID
        self.curlError = curlError
        self.detail = detail
        self.attempts = attempts
    }

    package var description: String {
        var parts = ["\(code.rawValue) \(operation)"]
        if let status { parts.append("status \(status)") }
        if let errorCode { parts.append("x-ms-error-code \(errorCode)") }
        if let requestID { parts.append("request-id \(requestID)") }
        if let curlError { parts.append("curl: \(curlError)") }
        if let detail { parts.append(detail) }
        if attempts > 1 { parts.append("after \(attempts) attempts") }
        return parts.joined(separator: ", ")
    }

    /// True when Azure said the resource is not there (404), so callers can treat it as a fact, not a failure.
    package var isNotFound: Bool { status == 404 }

    /// True when a condition (`If-Match`, `If-None-Match`, …) did not hold: 412, the resource changed.
    package var isConditionNotMet: Bool { status == 412 }

    /// True when Azure refused because the resource already exists (409 `*AlreadyExists`).
    package var isAlreadyExists: Bool {
        status == 409 && (errorCode?.hasSuffix("AlreadyExists") ?? false)
    }

    /// The error code of a service that lacks a feature the request used (Azurite's strict mode answers a range
    /// CRC64 with it): never retried.
    package static let featureNotSupported = "FeatureNotSupported"
}
