import AzureWire
import Foundation
import HTTPTypes
import Hummingbird

extension TableService {
    func getEntity(_ table: String, _ key: EntityKey, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "r", account: "r", .object, resource: table)
        try Self.checkRange(key, context)
        guard let entity = try await tables.entity(account: request.account, table: table, key: key) else {
            throw StorageError.entityNotFound()
        }
        let odata = ODataContext(request: request)
        var json = JSONWriter()
        entity.write(
            to: &json, table: table, context: odata, select: Self.parseSelect(request),
            documentMetadata: "\(odata.baseURL)/$metadata#\(table)/@Element")
        var headers = HTTPFields()
        headers[.eTag] = entity.etag
        return Self.jsonResponse(.ok, json, context: odata, headers: headers)
    }

    func queryEntities(_ table: String, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "r", account: "r", .container, resource: table)
        var query = EntityQuery(filter: try Self.parseFilter(request), top: try Self.parseTop(request))
        query.range = context.tableKeyRange
        if let partition = request.query("nextpartitionkey") {
            query.start = EntityKey(
                partitionKey: try ContinuationToken.decode(partition, name: "NextPartitionKey"),
                rowKey: try request.query("nextrowkey").map { try ContinuationToken.decode($0, name: "NextRowKey") } ?? "")
        }
        let page = try await tables.query(account: request.account, table: table, query)
        let odata = ODataContext(request: request)
        let select = Self.parseSelect(request)
        var json = JSONWriter(capacity: 128 + 256 * page.entities.count)
        json.beginObject()
        if odata.level != .none { json.member("odata.metadata", "\(odata.baseURL)/$metadata#\(table)") }
        json.beginArray("value")
        for entity in page.entities { entity.write(to: &json, table: table, context: odata, select: select) }
        json.endArray()
        json.endObject()
        var headers = HTTPFields()
        if let next = page.next {
            headers[.xMsContinuationNextPartitionKey] = ContinuationToken.encode(next.partitionKey)
            headers[.xMsContinuationNextRowKey] = ContinuationToken.encode(next.rowKey)
        }
        return Self.jsonResponse(.ok, json, context: odata, headers: headers)
    }

    /// Insert (POST), Update/Insert-or-Replace (PUT), Merge/Insert-or-Merge (MERGE, PATCH) and Delete.
    func writeEntity(
        _ table: String, path: TableResourcePath, method: String, _ request: StorageRequest, _ context: OperationContext
    ) async throws -> Response {
        // The permission follows from the method and If-Match alone: a caller without it is refused before the
        // body is read and parsed (it used to be parsed first, at the server's expense, and its errors came first).
        let ifMatch = request.header("if-match")
        try Self.authorize(method == "POST" ? .insert : method == "DELETE" ? .delete : .update(ifMatch: ifMatch), table: table, context)
        let body = method == "DELETE" ? [] : try await Self.collectBody(request, limit: TableEntity.maximumEntityBytes * 2)
        let write = try Self.entityWrite(path: path, method: method, ifMatch: ifMatch, body: body)
        try Self.checkRange(write.key, context)
        let stored: TableEntity?
        do {
            stored = try await tables.write(account: request.account, table: table, [write])[0]
        } catch let failure as EntityWriteFailure {
            throw failure.error
        }
        let odata = ODataContext(request: request)
        var headers = HTTPFields()
        guard let stored else { return Self.emptyResponse(.noContent) }
        headers[.eTag] = stored.etag
        guard case .insert = write else { return Self.emptyResponse(.noContent, headers: headers) }
        let location = "\(odata.baseURL)/\(table)(PartitionKey='\(TableEntity.quoteKey(stored.partitionKey))',RowKey='\(TableEntity.quoteKey(stored.rowKey))')"
        headers[.location] = location
        headers[.dataServiceID] = location
        guard Self.wantsContent(request, default: true) else {
            headers[.preferenceApplied] = "return-no-content"
            return Self.emptyResponse(.noContent, headers: headers)
        }
        if request.header("prefer") != nil { headers[.preferenceApplied] = "return-content" }
        var json = JSONWriter()
        stored.write(to: &json, table: table, context: odata, documentMetadata: "\(odata.baseURL)/$metadata#\(table)/@Element")
        return Self.jsonResponse(.created, json, context: odata, headers: headers)
    }

    /// Turns a request (or a batch operation) into the write it asks for, validating keys and body.
    static func entityWrite(
        path: TableResourcePath, method: String, ifMatch: String?, body: [UInt8]
    ) throws(StorageError) -> EntityWrite {
        switch (path, method) {
        case (.table, "POST"):
            let parsed = try EntityBody.parse(body)
            guard let partitionKey = parsed.partitionKey, let rowKey = parsed.rowKey else {
                throw StorageError(
                    .badRequest, "PropertiesNeedValue",
                    "The values are not specified for all properties in the entity: PartitionKey and RowKey are required.")
            }
            let key = EntityKey(partitionKey: partitionKey, rowKey: rowKey)
            try validate(key)
            return .insert(key, parsed.properties)
        case (.entity(_, let key), "PUT"):
            try validate(key)
            return .update(key, try EntityBody.parse(body).properties, ifMatch: ifMatch)
        case (.entity(_, let key), "MERGE"), (.entity(_, let key), "PATCH"):
            try validate(key)
            return .merge(key, try EntityBody.parse(body).properties, ifMatch: ifMatch)
        case (.entity(_, let key), "DELETE"):
            guard let ifMatch else { throw StorageError.missingHeader("If-Match") }
            return .delete(key, ifMatch: ifMatch)
        default:
            throw StorageError(.methodNotAllowed, "MethodNotAllowed", "The method \(method) is not allowed on this resource.")
        }
    }

    private static func validate(_ key: EntityKey) throws(StorageError) {
        try EntityKey.validate(key.partitionKey, name: "PartitionKey")
        try EntityKey.validate(key.rowKey, name: "RowKey")
    }

    /// The kinds of entity write, as far as permissions go.
    enum WriteKind {
        case insert, delete
        /// Update, merge, or (without If-Match) insert-or-replace / insert-or-merge.
        case update(ifMatch: String?)
    }

    /// Insert needs `a`, update and merge `u`, delete `d`; the insert-or-… forms need both `a` and `u`.
    static func authorize(_ kind: WriteKind, table: String, _ context: OperationContext) throws {
        switch kind {
        case .insert: try context.authorize(service: "a", account: "a", .object, resource: table)
        case .update(let ifMatch):
            try context.authorize(service: "u", account: "u", .object, resource: table)
            if ifMatch == nil { try context.authorize(service: "a", account: "a", .object, resource: table) }
        case .delete: try context.authorize(service: "d", account: "d", .object, resource: table)
        }
    }

    /// Authorizes a parsed write (a batch's operation): its kind, then its keys against a SAS's key range.
    static func authorize(_ write: EntityWrite, table: String, _ context: OperationContext) throws {
        switch write {
        case .insert: try authorize(WriteKind.insert, table: table, context)
        case .update(_, _, let ifMatch), .merge(_, _, let ifMatch): try authorize(.update(ifMatch: ifMatch), table: table, context)
        case .delete: try authorize(WriteKind.delete, table: table, context)
        }
        try checkRange(write.key, context)
    }

    /// A table SAS limited to a key range cannot reach entities outside it.
    static func checkRange(_ key: EntityKey, _ context: OperationContext) throws {
        if let range = context.tableKeyRange, !TableStore.contains(range, key) {
            throw StorageError.authorizationFailure("The entity's keys are outside the key range of the shared access signature.")
        }
    }

    /// `$select=A,B`: the properties to return; nil for all (`*` or absent).
    static func parseSelect(_ request: StorageRequest) -> [String]? {
        guard let text = request.query("$select") else { return nil }
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if names.isEmpty || names.contains("*") { return nil }
        return names
    }
}

/// Continuation tokens as Azure shapes them (`1!<length>!<base64>`), so any key, even an empty one
/// or one with characters a header cannot carry, survives the round trip through the client.
enum ContinuationToken {
    static func encode(_ key: String) -> String {
        let base64 = Data(key.utf8).base64EncodedString()
        return "1!\(base64.count)!\(base64)"
    }

    static func decode(_ token: String, name: String) throws(StorageError) -> String {
        let parts = token.split(separator: "!", maxSplits: 2, omittingEmptySubsequences: false)
        // Base64 has no spaces: one is a `+` a client left unencoded, which the query decoder read as a space.
        let base64 = parts.count == 3 ? parts[2].replacingOccurrences(of: " ", with: "+") : ""
        guard parts.count == 3, parts[0] == "1", let data = Data(base64Encoded: base64) else {
            throw StorageError.invalidQueryParameter(name, token, "Not a continuation token this service issued.")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
