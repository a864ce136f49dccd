import AzureWire
import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// Service-level operations: List Containers, service properties, account information.
extension BlobService {
    func listContainers(_ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(AccessRequirement("l", .service, needsAccountLevel: true))
        let prefix = request.query("prefix") ?? ""
        let marker = request.query("marker") ?? ""
        let limit = try Self.maxResults(request)
        let include = (request.query("include") ?? "").lowercased().split(separator: ",")
        let includeMetadata = include.contains("metadata")
        let account = request.account
        // A soft-deleted container is listed (with `include=deleted`) under the name it had.
        let rows = try await blobs.read { db in
            try ContainerRecord.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM containers WHERE account = ? AND coalesce(deleted_name, name) >= ?
                        AND substr(coalesce(deleted_name, name), 1, ?) = ? AND (deleted_time IS NULL OR ?)
                        ORDER BY coalesce(deleted_name, name), deleted_time LIMIT ?
                        """),
                arguments: [account, max(marker, prefix), prefix.count, prefix, include.contains("deleted"), limit + 1])
        }
        let now = Date()
        var xml = XMLWriter()
        xml.open("EnumerationResults", attributes: [("ServiceEndpoint", Self.serviceEndpoint(request))])
        if !prefix.isEmpty { xml.element("Prefix", prefix) }
        if !marker.isEmpty { xml.element("Marker", marker) }
        if request.query("maxresults") != nil { xml.element("MaxResults", String(limit)) }
        xml.open("Containers")
        for container in rows.prefix(limit) {
            xml.open("Container")
            xml.element("Name", container.deletedName ?? container.name)
            Self.writeDeletedContainer(container, to: &xml)
            xml.open("Properties")
            xml.element("Last-Modified", HTTPDate.rfc1123(Date(timeIntervalSince1970: container.lastModified)))
            xml.element("Etag", container.etag)
            Self.writeLeaseXML(container.lease, now: now, to: &xml)
            if let access = container.publicAccess { xml.element("PublicAccess", access) }
            xml.element("HasImmutabilityPolicy", "false")
            xml.element("HasLegalHold", "false")
            writeContainerProperties(container, now: now, to: &xml)
            xml.close("Properties")
            if includeMetadata {
                xml.open("Metadata")
                for (name, value) in MetadataCoding.decode(container.metadata) { xml.element(name, value) }
                xml.close("Metadata")
            }
            xml.close("Container")
        }
        xml.close("Containers")
        xml.element("NextMarker", rows.count > limit ? rows[limit].deletedName ?? rows[limit].name : nil)
        xml.close("EnumerationResults")
        return Self.xmlResponse(xml)
    }

    func getServiceProperties(_ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(AccessRequirement("r", .service, needsAccountLevel: true))
        let account = request.account
        let stored = try await blobs.read { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT xml FROM service_properties WHERE account = ? AND service = 'blob'"),
                arguments: [account])
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/xml"
        let reported = Self.reportingConfiguredRetention(stored ?? Self.defaultServiceProperties, features: blobFeatures(account))
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: reported)))
    }

    func setServiceProperties(_ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(AccessRequirement("w", .service, needsAccountLevel: true))
        let body = try await Self.collectXML(request)
        let document = try XMLTree.parseBody(body)
        guard document.name == "StorageServiceProperties" else {
            throw StorageError(.badRequest, "InvalidXmlDocument", "The root element must be StorageServiceProperties, not \(document.name).")
        }
        // Properties not given keep their stored value, as Azure merges them.
        let account = request.account
        let text = String(decoding: body, as: UTF8.self)
        try await blobs.write { db, _ in
            let current = try String.fetchOne(
                db.cachedStatement(sql: "SELECT xml FROM service_properties WHERE account = ? AND service = 'blob'"),
                arguments: [account])
            let merged = Self.mergeServiceProperties(current ?? Self.defaultServiceProperties, with: document, raw: text)
            try db.executeCached(
                sql: "INSERT OR REPLACE INTO service_properties (account, service, xml) VALUES (?, 'blob', ?)",
                arguments: [account, merged])
        }
        return Self.emptyResponse(.accepted)
    }

    func getAccountInfo(_ request: StorageRequest, _ context: OperationContext) throws -> Response {
        // Any valid SAS of this service may ask; an account SAS for other services may not (it used to).
        // A container or blob SAS may ask too, on its own container's or blob's URL.
        let blob = request.segments.dropFirst().joined(separator: "/")
        try context.authorize(
            BlobOperation.getAccountInfo.route.access, container: request.segments.first, blob: blob.isEmpty ? nil : blob)
        var headers = HTTPFields()
        headers[HTTPField.Name("x-ms-sku-name")!] = "Standard_RAGRS"
        headers[HTTPField.Name("x-ms-account-kind")!] = "StorageV2"
        headers[HTTPField.Name("x-ms-is-hns-enabled")!] = "false"
        return Self.emptyResponse(.ok, headers: headers)
    }

    /// `maxresults`: 1…5000, default 5000.
    static func maxResults(_ request: StorageRequest) throws -> Int {
        guard let text = request.query("maxresults") else { return 5000 }
        guard let value = Int(text), value > 0 else {
            throw StorageError.invalidQueryParameter("maxresults", text, "Must be a positive integer.")
        }
        return min(value, 5000)
    }

    static func collectXML(_ request: StorageRequest, limit: Int = 4 * 1024 * 1024) async throws -> Data {
        try request.refuseDeclaredBody(over: limit)
        var data = Data()
        for try await part in request.body {
            data.append(contentsOf: part.readableBytesView)
            guard data.count <= limit else { throw StorageError.requestBodyTooLarge(limit: limit) }
        }
        return data
    }

    static func writeLeaseXML(_ lease: LeaseFields, now: Date, to xml: inout XMLWriter) {
        let state = lease.state(at: now)
        xml.element("LeaseStatus", state == "leased" || state == "breaking" ? "locked" : "unlocked")
        xml.element("LeaseState", state)
        if state == "leased" { xml.element("LeaseDuration", lease.leaseDuration == -1 ? "infinite" : "fixed") }
    }

    /// Replaces the top-level sections the new document names, keeping the others from the stored one.
    static func mergeServiceProperties(_ current: String, with update: XMLTree, raw: String) -> String {
        guard let stored = try? XMLTree.parseBody(Data(current.utf8)) else { return raw }
        return ServicePropertiesMerge.merge(update, into: stored)
    }

    static let defaultServiceProperties = """
        <?xml version="1.0" encoding="utf-8"?><StorageServiceProperties><Logging><Version>1.0</Version><Read>false</Read>\
        <Write>false</Write><Delete>false</Delete><RetentionPolicy><Enabled>false</Enabled></RetentionPolicy></Logging>\
        <HourMetrics><Version>1.0</Version><Enabled>false</Enabled><RetentionPolicy><Enabled>false</Enabled></RetentionPolicy>\
        </HourMetrics><MinuteMetrics><Version>1.0</Version><Enabled>false</Enabled><RetentionPolicy><Enabled>false</Enabled>\
        </RetentionPolicy></MinuteMetrics><Cors /><DeleteRetentionPolicy><Enabled>false</Enabled></DeleteRetentionPolicy>\
        <StaticWebsite><Enabled>false</Enabled></StaticWebsite></StorageServiceProperties>
        """
}
