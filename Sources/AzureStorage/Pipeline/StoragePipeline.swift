import AzureWire
import Foundation
import Logging

/// What every Blob, Queue and Table request goes through: date and version headers, SharedKey or
/// SAS authentication, the transport, retries with backoff, and the translation of failures into
/// `AzureStorageError` with the operation, status, `x-ms-error-code`, request id and curl's text.
/// Every attempt is counted here and nowhere else: in `metrics`, and by Azure's billing class for `observer`.
struct StoragePipeline: Sendable {
    let connection: StorageConnection
    let transport: HTTPTransport
    let retry: RetryPolicy
    let logger: Logger
    let metrics: RequestMetrics
    let observer: (any RequestObserver)?

    /// `x-ms-version` for Blob and Queue; Table speaks its own (older) REST version.
    static let blobQueueVersion = "2024-11-04"
    static let tableVersion = "2019-02-02"

    /// Sends the call, retrying as the policy allows; returns the first 2xx response (or a 304).
    func send(_ call: StorageCall) async throws -> TransportResponse {
        let clientRequestID = UUID().uuidString.lowercased()
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let request = prepare(call, clientRequestID: clientRequestID)
            let started = ContinuousClock.now
            var retryAfter: Duration?
            var failure: AzureStorageError
            var retryable: Bool
            do {
                let response = try await transport.send(request)
                count(call, request: request, response: response, elapsed: ContinuousClock.now - started)
                logger.debug(
                    "storage request",
                    metadata: [
                        "operation": "\(call.operation)", "target": "\(call.target)", "status": "\(response.status)",
                        "attempt": "\(attempt)", "elapsed": "\(ContinuousClock.now - started)",
                    ])
                if (200..<300).contains(response.status) || response.status == 304 { return response }
                failure = serviceError(call, request: request, response: response, attempts: attempt)
                // A feature the service does not have (Azurite refuses CRC64 this way, with a 500) is an answer, not
                // a fault: sending it again gets the same one.
                retryable =
                    retry.retryableStatuses.contains(response.status) && call.idempotent
                    && failure.errorCode != AzureStorageError.featureNotSupported
                retryAfter = RetryPolicy.parseRetryAfter(
                    response.headers["retry-after"], now: Int(Date().timeIntervalSince1970))
            } catch let transportFailure as TransportFailure {
                metrics.unanswered(call)
                failure = transportError(call, transportFailure, attempts: attempt)
                // A local file problem will not go away by resending.
                retryable = transportFailure.fileError == nil && (call.idempotent || !transportFailure.requestSent)
            }
            guard retryable, attempt < retry.maxAttempts else { throw failure }
            let pause = retry.delay(afterAttempt: attempt, retryAfter: retryAfter)
            metrics.retrying(call)
            logger.warning(
                "storage request failed, retrying",
                metadata: [
                    "operation": "\(call.operation)", "target": "\(call.target)", "attempt": "\(attempt)",
                    "delay": "\(pause)", "error": "\(failure)",
                ])
            try await Task.sleep(for: pause)
        }
    }

    /// One answered attempt, in the metrics and for the billing ledger. Azure bills every answered request,
    /// failed ones and retries included; the tier is the one a write names (else the one its caller knows the blob
    /// is in, else the account's default).
    private func count(_ call: StorageCall, request: TransportRequest, response: TransportResponse, elapsed: Duration) {
        let billing = BillingClass(operation: call.operation, service: call.service)
        metrics.answered(
            call, status: response.status, billing: billing,
            received: Int64(response.body.count) + response.bytesWritten, elapsed: elapsed)
        observer?.observe(
            RequestRecord(
                service: call.service, operation: call.operation, billingClass: billing,
                tier: request.headers["x-ms-access-tier"] ?? call.billingTier?.rawValue, status: response.status))
    }

    /// Dates, versions and authenticates one attempt.
    func prepare(_ call: StorageCall, clientRequestID: String) -> TransportRequest {
        var headers = call.headers
        let version = call.service == .table ? Self.tableVersion : Self.blobQueueVersion
        headers.set("x-ms-date", HTTPDate.rfc1123(Date()))
        headers.set("x-ms-version", version)
        headers.set("x-ms-client-request-id", clientRequestID)
        if call.method == "PUT" || call.method == "POST" || call.body.length > 0 {
            headers.set("content-length", String(call.body.length))
        }
        var url = call.url.string()
        switch connection.credential {
        case .sharedKey(let account, let key):
            let signer = SharedKeySigner(accountName: account, key: key)
            headers.set(
                "authorization",
                signer.authorization(
                    method: call.method, url: url, headers: headers, form: call.service == .table ? .table : .blobQueue)
            )
        case .sharedAccessSignature(let token):
            url = call.url.string(sas: token)
        case .anonymous:
            break
        }
        return TransportRequest(method: call.method, url: url, headers: headers, body: call.body, sink: call.sink)
    }

    private func serviceError(
        _ call: StorageCall, request: TransportRequest, response: TransportResponse, attempts: Int
    ) -> AzureStorageError {
        let details = ServiceErrorBody(response.body)
        var detail = details.message
        if response.status == 403, case .sharedKey(let account, let key) = connection.credential {
            // What we signed (no secret in it) next to what the service says it expected.
            let signed = SharedKeySigner(accountName: account, key: key).stringToSign(
                method: request.method, url: request.url, headers: request.headers,
                form: call.service == .table ? .table : .blobQueue)
            detail = (detail.map { $0 + "; " } ?? "") + "client string-to-sign: \(signed.debugDescription)"
        }
        return AzureStorageError(
            .service, operation: "\(call.operation) \(call.target)", status: response.status,
            errorCode: response.headers["x-ms-error-code"] ?? details.code,
            requestID: response.headers["x-ms-request-id"], detail: detail, attempts: attempts)
    }

    private func transportError(_ call: StorageCall, _ failure: TransportFailure, attempts: Int) -> AzureStorageError {
        AzureStorageError(
            failure.fileError == nil ? .transport : .fileSystem, operation: "\(call.operation) \(call.target)",
            curlError: failure.fileError == nil ? "\(failure.message) (CURLcode \(failure.code))" : nil,
            detail: failure.fileError, attempts: attempts)
    }

    /// Sends a call whose one expected refusal is a fact, not a failure: true when it was carried out,
    /// false when Azure answered `refusal` (404 for a delete of what is not there, 409 `*AlreadyExists`
    /// for a create of what is).
    func sendUnless(_ refusal: ExpectedRefusal, _ call: StorageCall) async throws -> Bool {
        do {
            _ = try await send(call)
            return true
        } catch let error as AzureStorageError where refusal == .notFound ? error.isNotFound : error.isAlreadyExists {
            return false
        }
    }

    /// The answers `sendUnless` takes as "nothing to do".
    enum ExpectedRefusal { case notFound, alreadyExists }
}
