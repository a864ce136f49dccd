import HTTPTypes

/// An error as Azure Storage reports it: an HTTP status, a stable error code and a message.
///
/// Operations throw it; the service that received the request renders it in its own wire
/// format (XML for Blob and Queue, JSON `odata.error` for Table), always with `x-ms-error-code`.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status Azure answers with.
    public var status: HTTPResponse.Status
    /// Azure's error code, sent in `x-ms-error-code` and the body.
    public var code: String
    /// A human-readable explanation of what was wrong and where.
    public var message: String
    /// Extra elements Azure adds to the error body, such as `AuthenticationErrorDetail`.
    public var details: [(name: String, value: String)]
    /// Headers the response must carry besides the standard ones (for example `Retry-After`).
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, _ code: String, _ message: String,
        details: [(name: String, value: String)] = [], headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers
    }

    public var description: String { "\(status.code) \(code): \(message)" }
}

extension StorageError {
    // Errors shared by every service. Service-specific ones live beside their operations.

    static func authenticationFailed(_ detail: String) -> StorageError {
        StorageError(
            .forbidden, "AuthenticationFailed",
            "Server failed to authenticate the request. Make sure the value of the Authorization header is formed correctly including the signature.",
            details: [("AuthenticationErrorDetail", detail)])
    }

    static func authorizationPermissionMismatch(_ detail: String = "") -> StorageError {
        StorageError(
            .forbidden, "AuthorizationPermissionMismatch",
            "This request is not authorized to perform this operation using this permission. \(detail)")
    }

    /// What Azure answers an anonymous read of a private container or blob: as if it did not exist.
    static func resourceNotFound() -> StorageError {
        StorageError(.notFound, "ResourceNotFound", "The specified resource does not exist.")
    }

    static func authorizationFailure(_ detail: String = "") -> StorageError {
        StorageError(.forbidden, "AuthorizationFailure", "This request is not authorized to perform this operation. \(detail)")
    }

    static func invalidQueryParameter(_ name: String, _ value: String, _ reason: String = "") -> StorageError {
        StorageError(
            .badRequest, "InvalidQueryParameterValue",
            "Value for one of the query parameters specified in the request URI is invalid. \(name)=\(value) \(reason)",
            details: [("QueryParameterName", name), ("QueryParameterValue", value), ("Reason", reason)])
    }

    static func invalidHeader(_ name: String, _ value: String, _ reason: String = "") -> StorageError {
        StorageError(
            .badRequest, "InvalidHeaderValue",
            "The value for one of the HTTP headers is not in the correct format. \(name): \(value) \(reason)",
            details: [("HeaderName", name), ("HeaderValue", value)])
    }

    static func missingHeader(_ name: String) -> StorageError {
        StorageError(
            .badRequest, "MissingRequiredHeader", "An HTTP header that's mandatory for this request is not specified: \(name).",
            details: [("HeaderName", name)])
    }

    static func invalidURI(_ message: String) -> StorageError {
        StorageError(.badRequest, "InvalidUri", "The requested URI does not represent any resource on the server. \(message)")
    }

    static func unsupportedOperation(_ method: String, _ path: String) -> StorageError {
        StorageError(
            .notImplemented, "NotImplemented",
            "The emulator does not implement the operation \(method) \(path). Use a supported operation or file an issue.")
    }

    static func conditionNotMet() -> StorageError {
        StorageError(.preconditionFailed, "ConditionNotMet", "The condition specified using HTTP conditional header(s) is not met.")
    }

    static func md5Mismatch(expected: String, computed: String) -> StorageError {
        StorageError(
            .badRequest, "Md5Mismatch", "The MD5 value specified in the request did not match with the MD5 value calculated by the server.",
            details: [("UserSpecifiedMd5", expected), ("ServerCalculatedMd5", computed)])
    }

    static func requestBodyTooLarge(limit: Int) -> StorageError {
        StorageError(
            .init(code: 413), "RequestBodyTooLarge", "The request body is too large and exceeds the maximum permissible limit.",
            details: [("MaxLimit", String(limit))])
    }

    static func internalError(_ message: String) -> StorageError {
        StorageError(.internalServerError, "InternalError", "The server encountered an internal error. \(message)")
    }
}
