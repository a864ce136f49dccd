import AzureWire
import Foundation

/// One operation inside an entity group transaction.
package enum TableBatchOperation: Sendable {
    case insert(TableEntity)
    case replace(TableEntity, etag: String? = nil)
    case merge(TableEntity, etag: String? = nil)
    case upsert(TableEntity, mode: TableClient.UpsertMode = .replace)
    case delete(partitionKey: String, rowKey: String, etag: String? = nil)

    var partitionKey: String {
        switch self {
        case .insert(let entity), .replace(let entity, _), .merge(let entity, _), .upsert(let entity, _):
            entity.partitionKey
        case .delete(let partitionKey, _, _): partitionKey
        }
    }
}

extension TableClient {
    /// Entity Group Transaction: up to 100 operations on one partition, applied all or none.
    /// Returns each operation's status. When the service rejects it, the error's detail names the
    /// failing operation's index. Retried only when every operation is an upsert (repeating those
    /// changes nothing).
    @discardableResult
    package func batch(_ operations: [TableBatchOperation], in table: String) async throws -> [Int] {
        guard !operations.isEmpty else { return [] }
        guard operations.count <= 100, Set(operations.map(\.partitionKey)).count == 1 else {
            throw AzureStorageError(
                .invalidArgument, operation: "EntityGroupTransaction \(table)",
                detail: "a batch holds 1…100 operations on one partition; got \(operations.count) on "
                    + "\(Set(operations.map(\.partitionKey)).count) partitions")
        }
        let endpoint = try pipeline.connection.endpoint(.table)
        let allUpserts = operations.allSatisfy { if case .upsert = $0 { true } else { false } }
        var call = try call("EntityGroupTransaction", "POST", table: table, path: "/$batch", idempotent: allUpserts)
        let batchBoundary = "batch_" + UUID().uuidString.lowercased()
        let changesetBoundary = "changeset_" + UUID().uuidString.lowercased()
        var body = "--\(batchBoundary)\r\nContent-Type: multipart/mixed; boundary=\(changesetBoundary)\r\n\r\n"
        for (index, operation) in operations.enumerated() {
            let (method, path, entity, ifMatch) = Self.parts(operation, table: table)
            body +=
                "--\(changesetBoundary)\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
            body += "\(method) \(endpoint)\(path) HTTP/1.1\r\n"
            body += "Accept: \(Self.accept)\r\nDataServiceVersion: 3.0\r\nContent-ID: \(index + 1)\r\n"
            if let ifMatch { body += "If-Match: \(ifMatch)\r\n" }
            if let entity {
                if method == "POST" { body += "Prefer: return-no-content\r\n" }
                body += "Content-Type: application/json\r\n\r\n\(entity.json().serialized())\r\n"
            } else {
                body += "\r\n"
            }
        }
        body += "--\(changesetBoundary)--\r\n\r\n--\(batchBoundary)--\r\n"
        call.headers.set("content-type", "multipart/mixed; boundary=\(batchBoundary)")
        call.body = .bytes(Array(body.utf8))
        let response = try await pipeline.send(call)
        return try Self.statuses(response, operation: "EntityGroupTransaction \(table)")
    }

    private static func parts(_ operation: TableBatchOperation, table: String)
        -> (method: String, path: String, entity: TableEntity?, ifMatch: String?)
    {
        func path(_ pk: String, _ rk: String) -> String { entityPath(table: table, partitionKey: pk, rowKey: rk) }
        switch operation {
        case .insert(let entity): return ("POST", "/" + PercentEncoding.encode(table), entity, nil)
        case .replace(let entity, let etag):
            return ("PUT", path(entity.partitionKey, entity.rowKey), entity, etag ?? "*")
        case .merge(let entity, let etag):
            return ("MERGE", path(entity.partitionKey, entity.rowKey), entity, etag ?? "*")
        case .upsert(let entity, .replace): return ("PUT", path(entity.partitionKey, entity.rowKey), entity, nil)
        case .upsert(let entity, .merge): return ("MERGE", path(entity.partitionKey, entity.rowKey), entity, nil)
        case .delete(let pk, let rk, let etag): return ("DELETE", path(pk, rk), nil, etag ?? "*")
        }
    }

    /// The status of each sub-response; a failed changeset becomes an error naming the operation.
    static func statuses(_ response: TransportResponse, operation: String) throws(AzureStorageError) -> [Int] {
        // Read on the bytes, line by line: a batch of 100 rows answers ~40 kB, and splitting it into strings with
        // Foundation's `components(separatedBy:)` was 2 % of the daemon's CPU while it wrote small files' rows.
        let body = response.body
        let statusLine = Array("HTTP/1.1 ".utf8)
        var statuses: [Int] = []
        var start = 0
        while start < body.count {
            let end = body[start...].firstIndex(of: UInt8(ascii: "\n")) ?? body.count
            defer { start = end + 1 }
            guard body[start..<end].starts(with: statusLine) else { continue }
            let digits = body[(start + statusLine.count)...].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            let status = digits.reduce(0) { $0 &* 10 &+ Int($1 - UInt8(ascii: "0")) }
            statuses.append(status)
            guard status >= 300 else { continue }
            // The failing part carries a JSON error whose message starts with "index:" (0-based).
            let rest = body[end...]
            let json = rest.firstIndex(of: UInt8(ascii: "{")).flatMap { open in
                rest.lastIndex(of: UInt8(ascii: "}")).map { Array(body[open...$0]) }
            }
            let details = ServiceErrorBody(json ?? [])
            throw AzureStorageError(
                .service, operation: operation, status: status, errorCode: details.code,
                requestID: response.headers["x-ms-request-id"],
                detail: "batch operation failed: \(details.message ?? "no message")")
        }
        if statuses.isEmpty {
            throw AzureStorageError(
                .invalidResponse, operation: operation, status: response.status,
                detail: "the batch answer holds no sub-responses")
        }
        return statuses
    }
}
