import AzureWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension TableService {
    /// Azure's limit of operations in one changeset.
    static let maximumBatchOperations = 100

    /// An entity group transaction: every operation applies, or none does. A failure answers with
    /// the failing operation's error alone, its message prefixed with the operation's index (`2:…`).
    func batch(_ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        // Tables are never public, so an anonymous batch is refused whole, as Azure does, before its body is read
        // and parsed: each of its operations would be refused anyway, only later and at the server's expense.
        if case .anonymous = context.credential {
            throw StorageError.authenticationFailed(
                "The $batch request carries no credentials (no Authorization header, no SAS); tables are never public.")
        }
        guard let contentType = request.header("content-type"),
            let boundary = BatchMultipart.boundary(ofContentType: contentType)
        else {
            throw StorageError.tableInvalidInput("A $batch request needs Content-Type: multipart/mixed; boundary=….")
        }
        let body = try await Self.collectBody(request)
        let operations = try BatchMultipart.parse(body, boundary: boundary)
        let response = BatchResponse()
        let odata = ODataContext(request: request)

        func failure(_ index: Int, _ error: StorageError) -> Response {
            let part = BatchResponse.Part(
                status: Int(error.status.code), reason: error.status.reasonPhrase,
                headers: [("Content-Type", ODataMetadata.minimal.contentType)],
                body: Self.errorBody(error, requestID: request.requestID, prefix: "\(index):"),
                contentID: operations.indices.contains(index) ? operations[index].contentID : nil)
            return Self.batchResponse(response, [part])
        }

        guard !operations.isEmpty else {
            throw StorageError.tableInvalidInput("The batch holds no operations.")
        }
        guard operations.count <= Self.maximumBatchOperations else {
            return failure(
                Self.maximumBatchOperations,
                StorageError.tableInvalidInput("The batch request operation exceeds the maximum \(Self.maximumBatchOperations) changes per change set."))
        }
        var writes: [EntityWrite] = []
        var table: String?
        var seen = Set<EntityKey>()
        for (index, operation) in operations.enumerated() {
            do {
                let inner = try StorageRequest(
                    service: .table, method: .init(operation.method) ?? .post, target: operation.target, headers: [:])
                let path = try TableResourcePath.parse(inner.segments)
                var method = operation.method
                if method == "POST", let tunnelled = operation.header("x-http-method")?.uppercased() { method = tunnelled }
                let name: String
                switch path {
                case .table(let value), .entity(let value, _): name = value
                default: throw StorageError.tableInvalidInput("Batch operations must address a table or an entity, not \(operation.target).")
                }
                guard inner.account == request.account else {
                    throw StorageError.tableInvalidInput("The operation addresses account \(inner.account), not \(request.account).")
                }
                if let table, table.lowercased() != name.lowercased() {
                    throw StorageError.tableInvalidInput("All operations of a batch must address the same table.")
                }
                table = name
                let write = try Self.entityWrite(path: path, method: method, ifMatch: operation.header("if-match"), body: operation.body)
                if let first = writes.first, first.key.partitionKey != write.key.partitionKey {
                    throw StorageError(
                        .badRequest, "CommandsInBatchActOnDifferentPartitions",
                        "All commands in a batch must operate on the same partition (found '\(first.key.partitionKey)' and '\(write.key.partitionKey)').")
                }
                guard seen.insert(write.key).inserted else {
                    throw StorageError(
                        .badRequest, "InvalidDuplicateRow",
                        "The batch request contains multiple changes with the same row key (PartitionKey '\(write.key.partitionKey)', RowKey '\(write.key.rowKey)').")
                }
                try Self.authorize(write, table: name, context)
                writes.append(write)
            } catch let error as StorageError {
                return failure(index, error)
            }
        }
        guard let table else { throw StorageError.tableInvalidInput("The batch holds no operations.") }

        let stored: [TableEntity?]
        do {
            stored = try await tables.write(account: request.account, table: table, writes)
        } catch let failed as EntityWriteFailure {
            return failure(failed.index, failed.error)
        }

        var parts: [BatchResponse.Part] = []
        for (index, write) in writes.enumerated() {
            let operation = operations[index]
            var headers: [(String, String)] = []
            if let entity = stored[index] { headers.append(("ETag", entity.etag)) }
            guard case .insert(let key, _) = write, let entity = stored[index] else {
                parts.append(.init(status: 204, reason: "No Content", headers: headers, body: nil, contentID: operation.contentID))
                continue
            }
            let location = "\(odata.baseURL)/\(table)(PartitionKey='\(TableEntity.quoteKey(key.partitionKey))',RowKey='\(TableEntity.quoteKey(key.rowKey))')"
            headers.append(("Location", location))
            headers.append(("DataServiceId", location))
            let prefer = operation.header("prefer")?.lowercased() ?? ""
            if prefer.contains("return-no-content") {
                headers.append(("Preference-Applied", "return-no-content"))
                parts.append(.init(status: 204, reason: "No Content", headers: headers, body: nil, contentID: operation.contentID))
            } else {
                let level = ODataMetadata.requested(accept: operation.header("accept"), format: nil)
                let context = ODataContext(baseURL: odata.baseURL, account: odata.account, level: level)
                var json = JSONWriter()
                entity.write(to: &json, table: table, context: context, documentMetadata: "\(odata.baseURL)/$metadata#\(table)/@Element")
                headers.append(("Content-Type", level.contentType))
                if prefer.contains("return-content") { headers.append(("Preference-Applied", "return-content")) }
                parts.append(.init(status: 201, reason: "Created", headers: headers, body: json.text, contentID: operation.contentID))
            }
        }
        return Self.batchResponse(response, parts)
    }

    private static func batchResponse(_ response: BatchResponse, _ parts: [BatchResponse.Part]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = response.contentType
        headers[.date] = HTTPDate.rfc1123(Date())
        headers[.cacheControl] = "no-cache"
        return Response(status: .accepted, headers: headers, body: .init(byteBuffer: ByteBuffer(string: response.render(parts))))
    }
}
