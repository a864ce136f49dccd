import AzureWire
import Foundation
import HTTPTypes
import Hummingbird

extension QueueService {
    func listQueues(_ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "", account: "l", .service, resource: nil)
        let maxResults = try Self.integer(request, "maxresults") ?? 5000
        guard maxResults >= 1 else {
            throw StorageError.outOfRangeQueryParameter("maxresults", String(maxResults), minimum: 1, maximum: 5000)
        }
        let prefix = request.query("prefix") ?? ""
        let marker = request.query("marker").flatMap { $0.isEmpty ? nil : $0 }
        let includeMetadata = (request.query("include") ?? "").lowercased().split(separator: ",").contains("metadata")
        let page = try await queues.listQueues(
            account: request.account, prefix: prefix, marker: marker, maxResults: min(maxResults, 5000))
        var xml = XMLWriter()
        xml.open("EnumerationResults", attributes: [("ServiceEndpoint", request.accountURL + "/")])
        if request.query("prefix") != nil { xml.element("Prefix", prefix) }
        if let marker { xml.element("Marker", marker) }
        if request.query("maxresults") != nil { xml.element("MaxResults", String(maxResults)) }
        xml.open("Queues")
        for queue in page.queues {
            xml.open("Queue")
            xml.element("Name", queue.name)
            if includeMetadata {
                xml.open("Metadata")
                for entry in queue.metadata { xml.element(entry.name, entry.value) }
                xml.close("Metadata")
            }
            xml.close("Queue")
        }
        xml.close("Queues")
        xml.element("NextMarker", page.next)
        xml.close("EnumerationResults")
        return Self.xmlResponse(.ok, xml.text)
    }

    func createQueue(_ queue: String, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "", account: "cw", .container, resource: queue)
        let metadata = try Metadata.from(request)
        switch try await queues.createQueue(account: request.account, name: queue, metadata: metadata) {
        case .created: return Self.emptyResponse(.created)
        case .alreadyExisted: return Self.emptyResponse(.noContent)
        }
    }

    func deleteQueue(_ queue: String, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "", account: "d", .container, resource: queue)
        try await queues.deleteQueue(account: request.account, name: queue)
        return Self.emptyResponse(.noContent)
    }

    func getMetadata(_ queue: String, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "r", account: "r", .container, resource: queue)
        let properties = try await queues.properties(account: request.account, name: queue)
        var headers = HTTPFields()
        headers[.xMsApproximateMessagesCount] = String(properties.messageCount)
        for entry in properties.metadata {
            if let name = HTTPField.Name("x-ms-meta-" + entry.name) { headers.append(HTTPField(name: name, value: entry.value)) }
        }
        return Self.emptyResponse(.ok, headers: headers)
    }

    func setMetadata(_ queue: String, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "", account: "w", .container, resource: queue)
        try await queues.setMetadata(account: request.account, name: queue, metadata: try Metadata.from(request))
        return Self.emptyResponse(.noContent)
    }

    func getACL(_ queue: String, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        // Only the account key may read or change stored access policies (Azurite: no SAS is allowed).
        try context.authorize(QueueOperation.getQueueACL.route.access, container: queue, blob: nil)
        guard let policies = try await queues.policies(account: request.account, name: queue) else {
            throw StorageError.queueNotFound(queue)
        }
        return Self.xmlResponse(.ok, SignedIdentifiers.write(policies))
    }

    func setACL(_ queue: String, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        // Only the account key may read or change stored access policies (Azurite: no SAS is allowed).
        try context.authorize(QueueOperation.setQueueACL.route.access, container: queue, blob: nil)
        let policies = try SignedIdentifiers.parse(try await Self.collectBody(request, limit: 64 * 1024))
        try await queues.setPolicies(account: request.account, name: queue, policies: policies)
        return Self.emptyResponse(.noContent)
    }

    func getServiceProperties(_ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "", account: "r", .service, resource: nil)
        let xml = try await queues.serviceProperties(account: request.account) ?? ServiceProperties.defaultXML
        return Self.xmlResponse(.ok, xml)
    }

    func setServiceProperties(_ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "", account: "w", .service, resource: nil)
        let body = try await Self.collectBody(request, limit: 64 * 1024)
        let current = try await queues.serviceProperties(account: request.account)
        try await queues.setServiceProperties(account: request.account, xml: try ServiceProperties.normalize(body, current: current))
        return Self.emptyResponse(.accepted)
    }

    func getServiceStats(_ request: StorageRequest, _ context: OperationContext) throws -> Response {
        try context.authorize(service: "", account: "r", .service, resource: nil)
        return Self.xmlResponse(.ok, ServiceProperties.statsXML)
    }
}
