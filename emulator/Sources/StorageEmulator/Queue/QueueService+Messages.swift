import AzureWire
import Foundation
import HTTPTypes
import Hummingbird

extension QueueService {
    func putMessage(_ queue: String, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "a", account: "a", .object, resource: queue)
        let text = try await Self.messageText(request, required: true) ?? ""
        let message = try QueueMessage.make(
            text: text, now: QueueMessage.now(), visibilityTimeout: try Self.integer(request, "visibilitytimeout"),
            timeToLive: try Self.integer(request, "messagettl"))
        try await queues.put(account: request.account, queue: queue, message)
        var xml = XMLWriter()
        xml.open("QueueMessagesList")
        xml.open("QueueMessage")
        xml.element("MessageId", message.messageID)
        xml.element("InsertionTime", Self.date(message.insertedAt))
        xml.element("ExpirationTime", Self.date(message.expiresAt))
        xml.element("PopReceipt", message.popReceipt)
        xml.element("TimeNextVisible", Self.date(message.visibleAt))
        xml.close("QueueMessage")
        xml.close("QueueMessagesList")
        return Self.xmlResponse(.created, xml.text)
    }

    func getMessages(_ queue: String, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "p", account: "p", .object, resource: queue)
        let count = try Self.integer(request, "numofmessages") ?? 1
        try QueueMessage.checkRange("numofmessages", count, 1...QueueMessage.maximumMessagesPerRequest)
        let timeout = try Self.integer(request, "visibilitytimeout") ?? QueueMessage.defaultDequeueVisibilityTimeout
        try QueueMessage.checkRange("visibilitytimeout", timeout, 1...QueueMessage.maximumVisibilityTimeout)
        let messages = try await queues.receive(account: request.account, queue: queue, count: count, visibilityTimeout: timeout)
        return Self.messageList(messages, includeReceipt: true)
    }

    func peekMessages(_ queue: String, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "r", account: "r", .object, resource: queue)
        let count = try Self.integer(request, "numofmessages") ?? 1
        try QueueMessage.checkRange("numofmessages", count, 1...QueueMessage.maximumMessagesPerRequest)
        let messages = try await queues.peek(account: request.account, queue: queue, count: count)
        return Self.messageList(messages, includeReceipt: false)
    }

    func deleteMessage(_ queue: String, _ id: String, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "p", account: "pd", .object, resource: queue)
        guard let receipt = request.query("popreceipt") else { throw StorageError.missingQueryParameter("popreceipt") }
        try await queues.delete(account: request.account, queue: queue, messageID: id, popReceipt: receipt)
        return Self.emptyResponse(.noContent)
    }

    func updateMessage(_ queue: String, _ id: String, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "u", account: "u", .object, resource: queue)
        guard let receipt = request.query("popreceipt") else { throw StorageError.missingQueryParameter("popreceipt") }
        guard let timeout = try Self.integer(request, "visibilitytimeout") else {
            throw StorageError.missingQueryParameter("visibilitytimeout")
        }
        let text = try await Self.messageText(request, required: false)
        let message = try await queues.update(
            account: request.account, queue: queue, messageID: id, popReceipt: receipt, visibilityTimeout: timeout, text: text)
        var headers = HTTPFields()
        headers[.xMsPopReceipt] = message.popReceipt
        headers[.xMsTimeNextVisible] = Self.date(message.visibleAt)
        return Self.emptyResponse(.noContent, headers: headers)
    }

    func clearMessages(_ queue: String, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        try context.authorize(service: "", account: "d", .object, resource: queue)
        try await queues.clear(account: request.account, queue: queue)
        return Self.emptyResponse(.noContent)
    }

    /// The `<QueueMessage><MessageText>` of a body; nil when the body is empty and the text optional.
    static func messageText(_ request: StorageRequest, required: Bool) async throws -> String? {
        // Escaping can triple the text's size on the wire; the 64 KiB limit applies to the text itself.
        let body = try await collectBody(request, limit: 8 * QueueMessage.maximumTextBytes)
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            guard !required else {
                throw StorageError(.badRequest, "InvalidXmlDocument", "XML specified is not syntactically valid. The body is empty.")
            }
            return nil
        }
        let root = try XMLTree.parseBody(Data(body))
        guard root.name == "QueueMessage", let text = root.value("MessageText") else {
            throw StorageError(
                .badRequest, "InvalidXmlDocument",
                "XML specified is not syntactically valid. Expected <QueueMessage><MessageText>…</MessageText></QueueMessage>.")
        }
        return text
    }

    static func messageList(_ messages: [QueueMessage], includeReceipt: Bool) -> Response {
        var xml = XMLWriter()
        xml.open("QueueMessagesList")
        for message in messages {
            xml.open("QueueMessage")
            xml.element("MessageId", message.messageID)
            xml.element("InsertionTime", date(message.insertedAt))
            xml.element("ExpirationTime", date(message.expiresAt))
            if includeReceipt {
                xml.element("PopReceipt", message.popReceipt)
                xml.element("TimeNextVisible", date(message.visibleAt))
            }
            xml.element("DequeueCount", String(message.dequeueCount))
            xml.element("MessageText", message.text)
            xml.close("QueueMessage")
        }
        xml.close("QueueMessagesList")
        return xmlResponse(.ok, xml.text)
    }

    static func date(_ milliseconds: Int64) -> String {
        HTTPDate.rfc1123(Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000))
    }
}
