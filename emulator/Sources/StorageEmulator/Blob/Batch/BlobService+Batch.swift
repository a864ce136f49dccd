import AzureWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Blob Batch (`POST ?comp=batch`, for the account or, with `restype=container`, one container): up to 256 Delete
/// Blob or Set Blob Tier subrequests, all of one kind, in a `multipart/mixed` body (parsed by `BatchMultipart`, as a
/// Table `$batch` is). Each subrequest carries its own credential and runs through `respond(to:context:)` like any
/// request, so it is authenticated, authorized and executed by the same code; the answer is 202 with one
/// `application/http` part per subrequest, in order, each with its `Content-ID`.
///
/// Refusals of the batch as a whole are 400 before any subrequest runs: `InvalidInput` (a body that does not parse,
/// a subrequest that is neither kind or that leaves the account or the container), `ExceedsMaxBatchRequestCount`
/// and `AllBatchSubRequestsShouldBeSameApi` (Azure's "Blob Batch" page states the limits; the codes are Azure's as
/// Azurite reproduces them).
extension BlobService {
    static let maximumBatchSubrequests = 256
    static let maximumBatchBody = 4 * 1024 * 1024

    func batch(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(
            BlobOperation.batch.route.access, container: target.container.isEmpty ? nil : target.container, blob: nil)
        guard let contentType = request.header("content-type") else { throw StorageError.missingHeader("Content-Type") }
        guard let boundary = BatchMultipart.boundary(ofContentType: contentType) else {
            throw StorageError.invalidHeader("Content-Type", contentType, "Expected multipart/mixed; boundary=….")
        }
        let body = [UInt8](try await Self.collectXML(request, limit: Self.maximumBatchBody))
        let parts = try BatchMultipart.parse(body, boundary: boundary)
        guard !parts.isEmpty else { throw StorageError.tableInvalidInput("The batch holds no subrequests.") }
        guard parts.count <= Self.maximumBatchSubrequests else {
            throw StorageError(
                .badRequest, "ExceedsMaxBatchRequestCount",
                "The batch operation exceeds maximum number of allowed subrequests: \(parts.count), at most \(Self.maximumBatchSubrequests).")
        }
        let subrequests = try parts.map { try subrequest($0, of: request, container: target.container) }
        if Set(subrequests.map(\.operation)).count > 1 {
            throw StorageError(.badRequest, "AllBatchSubRequestsShouldBeSameApi", "All batch subrequests should be the same api.")
        }
        var rendered = BlobBatchResponse()
        for (part, sub) in zip(parts, subrequests) {
            let response = await run(sub.request, context)
            // The headers every response carries, with the batch's version: subrequests carry none of their own.
            var headers = response.headers
            for field in Self.standardHeaders(sub.request) where headers[field.name] == nil { headers.append(field) }
            headers[.xMsVersion] = request.header("x-ms-version") ?? EmulatorDefaults.apiVersion
            rendered.append(
                status: response.status, headers: headers, body: try await BlobBatchResponse.collect(response),
                contentID: part.contentID)
        }
        var headers = HTTPFields()
        headers[.contentType] = rendered.contentType
        return Response(status: .accepted, headers: headers, body: .init(byteBuffer: ByteBuffer(string: rendered.finish())))
    }

    /// One part as a request of its own: the batch's `x-ms-version` applies to it, its own headers sign it.
    private func subrequest(
        _ part: BatchMultipart.Operation, of batch: StorageRequest, container: String
    ) throws -> (request: StorageRequest, operation: BlobOperation) {
        var headers = HTTPFields()
        for (name, value) in part.headers {
            guard let field = HTTPField.Name(name) else { throw StorageError.tableInvalidInput("Bad header name '\(name)' in a subrequest.") }
            headers.append(HTTPField(name: field, value: value))
        }
        var request = try StorageRequest(
            service: .blob, method: HTTPRequest.Method(part.method) ?? .get, target: part.target, headers: headers,
            requestID: UUIDString.make())
        request.restoreHost(batch.header("host"))
        let subContainer = request.segments.first ?? ""
        let operation = BlobOperation.identify(
            method: request.method, hasContainer: !subContainer.isEmpty, hasBlob: request.segments.count > 1,
            restype: request.query("restype"), comp: request.query("comp"), copySource: false)
        guard let operation, operation == .deleteBlob || operation == .setBlobTier else {
            throw StorageError.tableInvalidInput("A batch holds only Delete Blob and Set Blob Tier, not \(part.method) \(part.target).")
        }
        guard request.account == batch.account, container.isEmpty || subContainer == container else {
            throw StorageError.tableInvalidInput("The subrequest \(part.target) is outside the batch's \(container.isEmpty ? "account" : "container").")
        }
        return (request, operation)
    }

    /// Authenticates and performs one subrequest; its failure is its own part's answer, never the batch's.
    private func run(_ request: StorageRequest, _ context: OperationContext) async -> Response {
        do {
            let credential = try await context.authenticator.authenticate(request, clientAddress: context.clientAddress)
            var subcontext = context
            subcontext.credential = credential
            return try await respond(to: request, context: subcontext)
        } catch let error as StorageError {
            return errorResponse(error, for: request)
        } catch {
            return errorResponse(.internalError(String(describing: error)), for: request)
        }
    }
}
