import AzureWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The Table service: OData JSON over HTTP, dispatched on the URL's shape (`Tables`, a table,
/// an entity, `$batch`) and the method. Errors are JSON `odata.error` bodies, as Azure sends them.
struct TableService: StorageServiceHandler {
    let kind = ServiceKind.table
    let tables: TableStore

    init(store: EmulatorStore) { tables = TableStore(store: store) }

    /// The largest request body accepted: Azure's 4 MiB `$batch` limit (single entities are at most 1 MiB).
    static let maximumBodyBytes = 4 * 1024 * 1024

    func respond(to request: StorageRequest, context: OperationContext) async throws -> Response {
        let path = try TableResourcePath.parse(request.segments)
        let method = Self.effectiveMethod(request)
        let comp = request.query("comp")
        guard let operation = TableOperation.identify(path: path, method: method, comp: comp) else {
            throw StorageError(
                .methodNotAllowed, "MethodNotAllowed",
                "The requested method \(method) is not allowed on \(request.encodedPath).")
        }
        // Every operation on a table or an entity names it in the path (`identify` saw to that).
        let table = path.tableName ?? ""
        switch operation {
        case .getServiceProperties: return try await getServiceProperties(request, context)
        case .setServiceProperties: return try await setServiceProperties(request, context)
        case .getServiceStats: return try getServiceStats(request, context)
        case .createTable: return try await createTable(request, context)
        case .queryTables: return try await queryTables(request, context, only: nil)
        case .getTable: return try await queryTables(request, context, only: table)
        case .deleteTable: return try await deleteTable(table, request, context)
        case .getTableACL: return try await getTableACL(table, request, context)
        case .setTableACL: return try await setTableACL(table, request, context)
        case .queryEntities: return try await queryEntities(table, request, context)
        case .getEntity:
            guard case .entity(_, let key) = path else { throw StorageError.tableInvalidInput("No entity key in the path.") }
            return try await getEntity(table, key, request, context)
        case .insertEntity, .updateEntity, .mergeEntity, .deleteEntity:
            return try await writeEntity(table, path: path, method: method, request, context)
        case .batch: return try await batch(request, context)
        }
    }

    /// The method, honouring `X-HTTP-Method` tunnelling on POST (clients send MERGE and DELETE that way).
    static func effectiveMethod(_ request: StorageRequest) -> String {
        let method = request.method.rawValue.uppercased()
        if method == "POST", let tunnelled = request.header("x-http-method")?.uppercased(),
            ["MERGE", "PUT", "DELETE", "PATCH"].contains(tunnelled)
        {
            return tunnelled
        }
        return method
    }

    func errorResponse(_ error: StorageError, for request: StorageRequest?) -> Response {
        let level = request.map { ODataContext(request: $0).level } ?? .minimal
        var headers = Self.standardHeaders(request)
        headers.append(contentsOf: error.headers)
        headers[.xMsErrorCode] = error.code
        headers[.contentType] = (level == .none ? ODataMetadata.minimal : level).contentType
        let body = Self.errorBody(error, requestID: request?.requestID ?? "")
        if request?.method == .head {
            headers[.contentLength] = String(body.utf8.count)
            return Response(status: error.status, headers: headers, body: .init())
        }
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// `{"odata.error":{"code":…,"message":{"lang":"en-US","value":…}}}`; `prefix` carries a batch's failing index.
    static func errorBody(_ error: StorageError, requestID: String, prefix: String = "") -> String {
        var json = JSONWriter()
        json.beginObject()
        json.key("odata.error")
        json.beginObject()
        json.member("code", error.code)
        json.key("message")
        json.beginObject()
        json.member("lang", "en-US")
        json.member("value", prefix + error.message + "\nRequestId:\(requestID)\nTime:\(HTTPDate.iso8601(Date()))")
        json.endObject()
        json.endObject()
        json.endObject()
        return json.text
    }

    /// A JSON response at the request's metadata level.
    static func jsonResponse(
        _ status: HTTPResponse.Status, _ json: JSONWriter, context: ODataContext, headers extra: HTTPFields = [:]
    ) -> Response {
        var headers = extra
        headers[.contentType] = context.level.contentType
        headers[.dataServiceVersion] = "3.0;"
        headers[.date] = HTTPDate.rfc1123(Date())
        headers[.cacheControl] = "no-cache"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json.bytes)))
    }

    static func emptyResponse(_ status: HTTPResponse.Status, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.date] = HTTPDate.rfc1123(Date())
        headers[.cacheControl] = "no-cache"
        if status != .noContent { headers[.contentLength] = "0" }
        return Response(status: status, headers: headers, body: .init())
    }

    /// Reads the whole body, refusing more than `limit` bytes with 413 `RequestBodyTooLarge`.
    static func collectBody(_ request: StorageRequest, limit: Int = maximumBodyBytes) async throws -> [UInt8] {
        try await request.collectBody(limit: limit)
    }

    /// The preference a client states with `Prefer: return-content|return-no-content`.
    static func wantsContent(_ request: StorageRequest, default value: Bool) -> Bool {
        guard let prefer = request.header("prefer")?.lowercased() else { return value }
        if prefer.contains("return-no-content") { return false }
        if prefer.contains("return-content") { return true }
        return value
    }
}

extension HTTPField.Name {
    static let preferenceApplied = Self("Preference-Applied")!
    static let dataServiceID = Self("DataServiceId")!
    static let dataServiceVersion = Self("DataServiceVersion")!
    static let xMsContinuationNextPartitionKey = Self("x-ms-continuation-NextPartitionKey")!
    static let xMsContinuationNextRowKey = Self("x-ms-continuation-NextRowKey")!
    static let xMsContinuationNextTableName = Self("x-ms-continuation-NextTableName")!
}
