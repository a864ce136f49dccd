import AzureWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The Queue service: `/ACCOUNT` (service), `/ACCOUNT/queue`, `/ACCOUNT/queue/messages` and
/// `/ACCOUNT/queue/messages/ID`, dispatched through `QueueOperation`. Errors are XML, as Blob's.
struct QueueService: StorageServiceHandler {
    let kind = ServiceKind.queue
    let queues: QueueStore

    init(store: EmulatorStore) { queues = QueueStore(store: store) }

    func respond(to request: StorageRequest, context: OperationContext) async throws -> Response {
        let segments = request.segments
        let operation = QueueOperation.identify(
            method: request.method, segments: segments, comp: request.query("comp"),
            peekOnly: request.query("peekonly")?.lowercased() == "true")
        switch operation {
        case .listQueues: return try await listQueues(request, context)
        case .getServiceProperties: return try await getServiceProperties(request, context)
        case .setServiceProperties: return try await setServiceProperties(request, context)
        case .getServiceStats: return try getServiceStats(request, context)
        case .createQueue: return try await createQueue(segments[0], request, context)
        case .deleteQueue: return try await deleteQueue(segments[0], request, context)
        case .getQueueMetadata: return try await getMetadata(segments[0], request, context)
        case .setQueueMetadata: return try await setMetadata(segments[0], request, context)
        case .getQueueACL: return try await getACL(segments[0], request, context)
        case .setQueueACL: return try await setACL(segments[0], request, context)
        case .putMessage: return try await putMessage(segments[0], request, context)
        case .getMessages: return try await getMessages(segments[0], request, context)
        case .peekMessages: return try await peekMessages(segments[0], request, context)
        case .clearMessages: return try await clearMessages(segments[0], request, context)
        case .deleteMessage: return try await deleteMessage(segments[0], segments[2], request, context)
        case .updateMessage: return try await updateMessage(segments[0], segments[2], request, context)
        case nil: break
        }
        let method = request.method.rawValue.uppercased()
        throw StorageError(
            .badRequest, "UnsupportedHttpVerb",
            "The resource doesn't support \(method) \(request.encodedPath) with these query parameters.")
    }

    func errorResponse(_ error: StorageError, for request: StorageRequest?) -> Response {
        xmlErrorResponse(error, for: request)
    }

    static func xmlResponse(_ status: HTTPResponse.Status, _ xml: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/xml"
        headers[.date] = HTTPDate.rfc1123(Date())
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: xml)))
    }

    static func emptyResponse(_ status: HTTPResponse.Status, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.date] = HTTPDate.rfc1123(Date())
        if status != .noContent { headers[.contentLength] = "0" }
        return Response(status: status, headers: headers, body: .init())
    }

    /// Reads the whole body, refusing more than `limit` bytes with 413 `RequestBodyTooLarge`.
    static func collectBody(_ request: StorageRequest, limit: Int) async throws -> [UInt8] {
        try await request.collectBody(limit: limit)
    }

    /// An optional integer query parameter; 400 `InvalidQueryParameterValue` when it is not an integer.
    static func integer(_ request: StorageRequest, _ name: String) throws(StorageError) -> Int? {
        guard let text = request.query(name) else { return nil }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw StorageError.invalidQueryParameter(name, text, "The value must be an integer.")
        }
        return value
    }
}

extension HTTPField.Name {
    static let xMsApproximateMessagesCount = Self("x-ms-approximate-messages-count")!
    static let xMsPopReceipt = Self("x-ms-popreceipt")!
    static let xMsTimeNextVisible = Self("x-ms-time-next-visible")!
}
