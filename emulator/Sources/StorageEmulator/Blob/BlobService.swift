import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The Blob service: identifies the operation, authorizes it, and runs it against the `BlobStore`.
struct BlobService: StorageServiceHandler {
    let kind = ServiceKind.blob
    let blobs: BlobStore

    init(store: BlobStore) { blobs = store }

    func respond(to request: StorageRequest, context: OperationContext) async throws -> Response {
        let container = request.segments.first.flatMap { $0.isEmpty ? nil : $0 }
        let blobName = request.segments.count > 1 ? request.segments.dropFirst().joined(separator: "/") : nil
        guard
            let operation = BlobOperation.identify(
                method: request.method, hasContainer: container != nil, hasBlob: blobName?.isEmpty == false,
                restype: request.query("restype"), comp: request.query("comp"),
                copySource: request.header("x-ms-copy-source") != nil)
        else {
            throw StorageError(
                .badRequest, "UnsupportedHttpVerb",
                "The resource doesn't support \(request.method) \(request.encodedPath) with these query parameters.")
        }
        if BlobOperation.unimplemented.contains(operation) {
            throw StorageError.unsupportedOperation(operation.rawValue, request.encodedPath)
        }
        throw StorageError.unsupportedOperation(operation.rawValue, request.encodedPath)
    }

    func errorResponse(_ error: StorageError, for request: StorageRequest?) -> Response {
        var xml = XMLWriter()
        xml.open("Error")
        xml.element("Code", error.code)
        xml.element("Message", error.message + "\nRequestId:\(request?.requestID ?? "")\nTime:\(HTTPDate.iso8601(Date()))")
        for (name, value) in error.details { xml.element(name, value) }
        xml.close("Error")
        var headers = Self.standardHeaders(request)
        headers.append(contentsOf: error.headers)
        headers[.xMsErrorCode] = error.code
        let isHead = request?.method == .head
        headers[.contentType] = "application/xml"
        let body = ByteBuffer(string: xml.text)
        if isHead {
            headers[.contentLength] = String(body.readableBytes)
            return Response(status: error.status, headers: headers, body: .init())
        }
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: body))
    }
}

extension BlobStore {
    /// The stored access policies of a container (its ACL), for SAS tokens that name one with `si=`.
    func containerPolicies(account: String, container: String) async throws -> [StoredAccessPolicy] {
        let acl = try await read { db in
            try String.fetchOne(
                db, sql: "SELECT acl FROM containers WHERE account = ? AND name = ?", arguments: [account, container])
        }
        guard let acl else { return [] }
        return (try? JSONDecoder().decode([StoredAccessPolicy].self, from: Data(acl.utf8))) ?? []
    }
}
