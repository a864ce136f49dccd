import AzureWire
import Foundation
import HTTPTypes
import Hummingbird

extension TableService {
    func createTable(_ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        let body = try await Self.collectBody(request, limit: 64 * 1024)
        guard case .string(let name)? = (try? JSONValue.parse(body))?["TableName"] else {
            throw StorageError.tableInvalidInput("The body must be a JSON object with a string TableName.")
        }
        try context.authorize(service: "", account: "cw", .container, resource: name)
        try await tables.createTable(account: request.account, name: name)
        let odata = ODataContext(request: request)
        var headers = HTTPFields()
        headers[.location] = "\(odata.baseURL)/Tables('\(name)')"
        headers[.dataServiceID] = "\(odata.baseURL)/Tables('\(name)')"
        guard Self.wantsContent(request, default: true) else {
            headers[.preferenceApplied] = "return-no-content"
            return Self.emptyResponse(.noContent, headers: headers)
        }
        if request.header("prefer") != nil { headers[.preferenceApplied] = "return-content" }
        var json = JSONWriter()
        Self.writeTable(name, to: &json, context: odata, documentMetadata: "\(odata.baseURL)/$metadata#Tables/@Element")
        return Self.jsonResponse(.created, json, context: odata, headers: headers)
    }

    func deleteTable(_ name: String, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "", account: "d", .container, resource: name)
        try await tables.deleteTable(account: request.account, name: name)
        return Self.emptyResponse(.noContent)
    }

    /// Query Tables, or (with `only`) one table by name.
    func queryTables(_ request: StorageRequest, _ context: OperationContext, only: String?) async throws -> Response {
        try context.authorize(service: "", account: "l", .container, resource: nil)
        let odata = ODataContext(request: request)
        var filter = try Self.parseFilter(request)
        if let only { filter = .comparison(.property("TableName"), .eq, .literal(.string(only))) }
        let top = try Self.parseTop(request)
        let page = try await tables.listTables(
            account: request.account, filter: filter, top: top, after: request.query("nexttablename"))
        var headers = HTTPFields()
        if let next = page.next { headers[.xMsContinuationNextTableName] = next }
        var json = JSONWriter(capacity: 64 + 48 * page.names.count)
        if let only {
            guard let name = page.names.first else { throw StorageError.tableNotFound(only) }
            Self.writeTable(name, to: &json, context: odata, documentMetadata: "\(odata.baseURL)/$metadata#Tables/@Element")
            return Self.jsonResponse(.ok, json, context: odata, headers: headers)
        }
        json.beginObject()
        if odata.level != .none { json.member("odata.metadata", "\(odata.baseURL)/$metadata#Tables") }
        json.beginArray("value")
        for name in page.names { Self.writeTable(name, to: &json, context: odata, documentMetadata: nil) }
        json.endArray()
        json.endObject()
        return Self.jsonResponse(.ok, json, context: odata, headers: headers)
    }

    static func writeTable(_ name: String, to json: inout JSONWriter, context: ODataContext, documentMetadata: String?) {
        json.beginObject()
        if let documentMetadata, context.level != .none { json.member("odata.metadata", documentMetadata) }
        if context.level == .full {
            json.member("odata.type", "\(context.account).Tables")
            json.member("odata.id", "\(context.baseURL)/Tables('\(name)')")
            json.member("odata.editLink", "Tables('\(name)')")
        }
        json.member("TableName", name)
        json.endObject()
    }

    static func parseFilter(_ request: StorageRequest) throws(StorageError) -> ODataFilter? {
        guard let text = request.query("$filter"), !text.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        do {
            return try ODataFilterParser.parse(text)
        } catch {
            throw StorageError.invalidFilter(error, filter: text)
        }
    }

    /// `$top`: 1 to 1,000 (Azure's page limit); 1,000 when absent.
    static func parseTop(_ request: StorageRequest) throws(StorageError) -> Int {
        guard let text = request.query("$top") else { return 1000 }
        guard let top = Int(text), top > 0 else {
            throw StorageError.invalidQueryParameter("$top", text, "$top must be a positive integer.")
        }
        guard top <= 1000 else {
            throw StorageError.invalidQueryParameter("$top", text, "$top cannot exceed 1000.")
        }
        return top
    }

    func getTableACL(_ name: String, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(TableOperation.getTableACL.route.access, container: name, blob: nil)
        guard let policies = try await tables.tablePolicies(account: request.account, table: name) else {
            throw StorageError.tableNotFound(name)
        }
        return Self.xmlResponse(SignedIdentifiers.write(policies))
    }

    func setTableACL(_ name: String, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(TableOperation.setTableACL.route.access, container: name, blob: nil)
        let policies = try SignedIdentifiers.parse(try await Self.collectBody(request, limit: 64 * 1024))
        try await tables.setTablePolicies(account: request.account, table: name, policies: policies)
        return Self.emptyResponse(.noContent)
    }

    func getServiceProperties(_ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "", account: "r", .service, resource: nil)
        let xml = try await tables.serviceProperties(account: request.account) ?? ServiceProperties.defaultXML
        return Self.xmlResponse(xml)
    }

    func setServiceProperties(_ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "", account: "w", .service, resource: nil)
        let body = try await Self.collectBody(request, limit: 64 * 1024)
        let current = try await tables.serviceProperties(account: request.account)
        let xml = try ServiceProperties.normalize(body, current: current)
        try await tables.setServiceProperties(account: request.account, xml: xml)
        return Self.emptyResponse(.accepted)
    }

    func getServiceStats(_ request: StorageRequest, _ context: OperationContext) throws -> Response {
        try context.authorize(service: "", account: "r", .service, resource: nil)
        return Self.xmlResponse(ServiceProperties.statsXML)
    }

    static func xmlResponse(_ xml: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/xml"
        headers[.date] = HTTPDate.rfc1123(Date())
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: .init(string: xml)))
    }
}
