import AzureWire

/// The Table service: ironviper's catalog mirror (`files`, `folders`, `history`). JSON with
/// minimal metadata; ETags for optimistic concurrency; continuation tokens for long queries.
package struct TableClient: Sendable {
    let pipeline: StoragePipeline

    /// How an upsert treats properties the entity does not mention.
    package enum UpsertMode: Sendable {
        /// Insert or Replace: the stored entity becomes exactly this one.
        case replace
        /// Insert or Merge: properties not given keep their stored values.
        case merge
    }

    static let accept = "application/json;odata=minimalmetadata"

    func call(_ operation: String, _ method: String, table: String, path: String, idempotent: Bool? = nil)
        throws(AzureStorageError) -> StorageCall
    {
        let url = ResourceURL(endpoint: try pipeline.connection.endpoint(.table), encodedPath: path)
        var call = StorageCall(
            operation, target: table, method: method, url: url, service: .table, idempotent: idempotent)
        call.headers.set("accept", Self.accept)
        call.headers.set("dataserviceversion", "3.0")
        call.headers.set("maxdataserviceversion", "3.0;NetFx")
        return call
    }

    /// `table(PartitionKey='…',RowKey='…')`, with quotes doubled and everything percent-encoded.
    static func entityPath(table: String, partitionKey: String, rowKey: String) -> String {
        func key(_ value: String) -> String { PercentEncoding.encode(Self.quotesDoubled(value)) }
        return "/\(PercentEncoding.encode(table))(PartitionKey='\(key(partitionKey))',RowKey='\(key(rowKey))')"
    }

    /// OData quotes a key by doubling its `'`; most keys have none, and are returned as they are (Foundation's
    /// `replacingOccurrences` searched each one at a cost of 1 % of the daemon's CPU on small files).
    static func quotesDoubled(_ value: String) -> String {
        guard value.utf8.contains(UInt8(ascii: "'")) else { return value }
        return value.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''")
    }

    private func jsonBody(_ call: inout StorageCall, _ json: JSONValue) {
        call.headers.set("content-type", "application/json")
        call.body = .bytes(Array(json.serialized().utf8))
    }

    // MARK: tables

    /// Creates a table; returns false when it already existed. Safe to retry: a repeat answers 409.
    @discardableResult
    package func createTable(_ name: String) async throws -> Bool {
        var call = try call("CreateTable", "POST", table: name, path: "/Tables", idempotent: true)
        call.headers.set("prefer", "return-no-content")
        jsonBody(&call, .object([("TableName", .string(name))]))
        return try await pipeline.sendUnless(.alreadyExists, call)
    }

    /// Deletes a table; returns false when there was none.
    @discardableResult
    package func deleteTable(_ name: String) async throws -> Bool {
        let path = "/Tables('\(PercentEncoding.encode(Self.quotesDoubled(name)))')"
        return try await pipeline.sendUnless(.notFound, try call("DeleteTable", "DELETE", table: name, path: path))
    }

    // MARK: entities

    /// Insert Entity: fails with 409 `EntityAlreadyExists` if the keys are taken. Not idempotent,
    /// so retried only when the request provably never reached the service. Returns the new ETag.
    @discardableResult
    package func insert(_ entity: TableEntity, into table: String) async throws -> String? {
        var call = try call("InsertEntity", "POST", table: table, path: "/" + PercentEncoding.encode(table))
        call.headers.set("prefer", "return-no-content")
        jsonBody(&call, entity.json())
        return try await pipeline.send(call).headers["etag"]
    }

    /// Update Entity (replace): the stored entity becomes this one. `etag` nil means `*` (any version).
    @discardableResult
    package func replace(_ entity: TableEntity, in table: String, etag: String? = nil) async throws -> String? {
        try await write(entity, table: table, method: "PUT", operation: "UpdateEntity", ifMatch: etag ?? "*")
    }

    /// Merge Entity: only the given properties change. `etag` nil means `*` (any version).
    @discardableResult
    package func merge(_ entity: TableEntity, in table: String, etag: String? = nil) async throws -> String? {
        try await write(entity, table: table, method: "MERGE", operation: "MergeEntity", ifMatch: etag ?? "*")
    }

    /// Insert or Replace / Insert or Merge: no precondition, so idempotent and retried freely.
    @discardableResult
    package func upsert(_ entity: TableEntity, in table: String, mode: UpsertMode = .replace) async throws -> String? {
        switch mode {
        case .replace:
            try await write(entity, table: table, method: "PUT", operation: "InsertOrReplaceEntity", ifMatch: nil)
        case .merge:
            try await write(entity, table: table, method: "MERGE", operation: "InsertOrMergeEntity", ifMatch: nil)
        }
    }

    private func write(_ entity: TableEntity, table: String, method: String, operation: String, ifMatch: String?)
        async throws -> String?
    {
        let path = Self.entityPath(table: table, partitionKey: entity.partitionKey, rowKey: entity.rowKey)
        var call = try call(operation, method, table: table, path: path)
        if let ifMatch { call.headers.set("if-match", ifMatch) }
        jsonBody(&call, entity.json())
        return try await pipeline.send(call).headers["etag"]
    }

    /// Delete Entity; `etag` nil means any version. Returns false when it was not there.
    @discardableResult
    package func delete(partitionKey: String, rowKey: String, from table: String, etag: String? = nil) async throws
        -> Bool
    {
        let path = Self.entityPath(table: table, partitionKey: partitionKey, rowKey: rowKey)
        var call = try call("DeleteEntity", "DELETE", table: table, path: path)
        call.headers.set("if-match", etag ?? "*")
        return try await pipeline.sendUnless(.notFound, call)
    }

    /// Query Entity by its keys; nil when absent.
    package func get(partitionKey: String, rowKey: String, from table: String) async throws -> TableEntity? {
        let path = Self.entityPath(table: table, partitionKey: partitionKey, rowKey: rowKey)
        let response: TransportResponse
        do {
            response = try await pipeline.send(try call("QueryEntity", "GET", table: table, path: path))
        } catch let error as AzureStorageError where error.isNotFound {
            return nil
        }
        var entity = try Self.entities(in: response, operation: "QueryEntity \(table)") { json in [json] }[0]
        entity.etag = response.headers["etag"] ?? entity.etag
        return entity
    }

    /// The entities of a Query Entity or Query Entities answer; `items` picks the entity objects out of
    /// the parsed body. Anything unreadable is an `invalidResponse` naming what was wrong.
    static func entities(
        in response: TransportResponse, operation: String, items: (JSONValue) -> [JSONValue]?
    ) throws -> [TableEntity] {
        func invalid(_ detail: String) -> AzureStorageError {
            AzureStorageError(
                .invalidResponse, operation: operation, status: response.status,
                requestID: response.headers["x-ms-request-id"], detail: detail)
        }
        guard let json = try? JSONValue.parse(response.body) else { throw invalid("the body is not JSON") }
        guard let objects = items(json) else { throw invalid("the body has no \"value\" array") }
        do {
            return try objects.map(TableEntity.init(json:))
        } catch let error as TableEntity.DecodingError {
            throw invalid(error.description)
        }
    }
}
