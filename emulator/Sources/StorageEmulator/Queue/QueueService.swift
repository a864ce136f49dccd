import AzureWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The Queue service: `/ACCOUNT` (service), `/ACCOUNT/queue`, `/ACCOUNT/queue/messages` and
/// `/ACCOUNT/queue/messages/ID`, dispatched on method and `comp`. Errors are XML, as Blob's.
struct QueueService: StorageServiceHandler {
    let kind = ServiceKind.queue
    let queues: QueueStore

    init(store: EmulatorStore) { queues = QueueStore(store: store) }

    func respond(to request: StorageRequest, context: OperationContext) async throws -> Response {
        let segments = request.segments
        let method = request.method.rawValue.uppercased()
        let comp = request.query("comp")
        switch segments.count {
        case 0:
            switch (method, comp) {
            case ("GET", "list"): return try await listQueues(request, context)
            case ("GET", "properties"): return try await getServiceProperties(request, context)
            case ("PUT", "properties"): return try await setServiceProperties(request, context)
            case ("GET", "stats"): return try getServiceStats(request, context)
            default: break
            }
        case 1:
            let queue = segments[0]
            switch (method, comp) {
            case ("PUT", nil): return try await createQueue(queue, request, context)
            case ("DELETE", nil): return try await deleteQueue(queue, request, context)
            case ("GET", "metadata"), ("HEAD", "metadata"):
                return try await getMetadata(queue, request, context)
            case ("PUT", "metadata"): return try await setMetadata(queue, request, context)
            case ("GET", "acl"), ("HEAD", "acl"): return try await getACL(queue, request, context)
            case ("PUT", "acl"): return try await setACL(queue, request, context)
            default: break
            }
        case 2 where segments[1] == "messages":
            let queue = segments[0]
            switch method {
            case "POST": return try await putMessage(queue, request, context)
            case "GET" where request.query("peekonly")?.lowercased() == "true": return try await peekMessages(queue, request, context)
            case "GET": return try await getMessages(queue, request, context)
            case "DELETE": return try await clearMessages(queue, request, context)
            default: break
            }
        case 3 where segments[1] == "messages":
            switch method {
            case "DELETE": return try await deleteMessage(segments[0], segments[2], request, context)
            case "PUT": return try await updateMessage(segments[0], segments[2], request, context)
            default: break
            }
        default:
            break
        }
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
        var bytes: [UInt8] = []
        for try await part in request.body {
            guard bytes.count + part.readableBytes <= limit else { throw StorageError.requestBodyTooLarge(limit: limit) }
            bytes.append(contentsOf: part.readableBytesView)
        }
        return bytes
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
