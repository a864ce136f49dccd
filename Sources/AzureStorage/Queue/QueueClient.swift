import AzureWire
import Foundation

/// The Queue service: ironviper's work queue (`extract-queue`) that spreads rendition work over
/// machines. Message text is sent as is (XML-escaped), which is what Microsoft's Python SDK reads
/// and writes by default.
package struct QueueClient: Sendable {
    let pipeline: StoragePipeline

    private func call(_ operation: String, _ method: String, queue: String, path: String = "", idempotent: Bool? = nil)
        throws(AzureStorageError) -> StorageCall
    {
        let endpoint = try pipeline.connection.endpoint(.queue)
        let url = ResourceURL(endpoint: endpoint, encodedPath: "/" + PercentEncoding.encode(queue) + path)
        return StorageCall(operation, target: queue, method: method, url: url, service: .queue, idempotent: idempotent)
    }

    /// Creates a queue; returns false when it already existed.
    @discardableResult
    package func createQueue(_ name: String) async throws -> Bool {
        let response = try await pipeline.send(try call("CreateQueue", "PUT", queue: name))
        // 201 created; 204 means it already existed with the same metadata.
        return response.status == 201
    }

    /// Deletes a queue and its messages; returns false when there was none.
    @discardableResult
    package func deleteQueue(_ name: String) async throws -> Bool {
        try await pipeline.sendUnless(.notFound, try call("DeleteQueue", "DELETE", queue: name))
    }

    /// Get Queue Metadata's approximate message count (Azure's own estimate: messages being
    /// received may or may not be counted); nil when the queue does not exist.
    package func approximateMessageCount(queue: String) async throws -> Int? {
        var call = try call("GetQueueMetadata", "GET", queue: queue)
        call.url = call.url.adding("comp", "metadata")
        let response: TransportResponse
        do {
            response = try await pipeline.send(call)
        } catch let error as AzureStorageError where error.isNotFound {
            return nil
        }
        guard let text = response.headers["x-ms-approximate-messages-count"], let count = Int(text) else {
            throw AzureStorageError(
                .invalidResponse, operation: "GetQueueMetadata \(queue)", status: response.status,
                detail: "no x-ms-approximate-messages-count header")
        }
        return count
    }

    /// Put Message. Not idempotent (a resend would enqueue twice), so it is retried only when the
    /// request provably never reached the service.
    ///
    /// - Parameters:
    ///   - visibilityTimeout: hide the message this long before anyone can receive it.
    ///   - timeToLive: drop it after this long; nil keeps Azure's default (7 days), `.seconds(-1)` never.
    @discardableResult
    package func put(queue: String, text: String, visibilityTimeout: Duration? = nil, timeToLive: Duration? = nil)
        async throws -> QueueMessageReceipt
    {
        var call = try call("PutMessage", "POST", queue: queue, path: "/messages")
        call.url = call.url.adding("visibilitytimeout", visibilityTimeout.map(Self.seconds))
            .adding("messagettl", timeToLive.map(Self.seconds))
        call.headers.set("content-type", "application/xml; charset=utf-8")
        call.body = .bytes(Self.messageBody(text))
        let response = try await pipeline.send(call)
        guard let message = try Self.messages(response, operation: "PutMessage \(queue)").first else {
            throw AzureStorageError(
                .invalidResponse, operation: "PutMessage \(queue)", status: response.status,
                detail: "no <QueueMessage> in the answer")
        }
        return QueueMessageReceipt(
            id: message.id, popReceipt: message.popReceipt, nextVisibleTime: message.nextVisibleTime)
    }

    /// Get Messages: receives up to `count` (1…32) messages and hides them for `visibilityTimeout`;
    /// delete each once handled, or it comes back.
    package func get(queue: String, count: Int = 1, visibilityTimeout: Duration = .seconds(30)) async throws
        -> [QueueMessage]
    {
        var call = try call("GetMessages", "GET", queue: queue, path: "/messages")
        call.url = call.url.adding("numofmessages", String(min(32, max(1, count))))
            .adding("visibilitytimeout", Self.seconds(visibilityTimeout))
        return try Self.messages(try await pipeline.send(call), operation: "GetMessages \(queue)")
    }

    /// Peek Messages: looks without hiding or counting a receive.
    package func peek(queue: String, count: Int = 1) async throws -> [QueueMessage] {
        var call = try call("PeekMessages", "GET", queue: queue, path: "/messages")
        call.url = call.url.adding("peekonly", "true").adding("numofmessages", String(min(32, max(1, count))))
        return try Self.messages(try await pipeline.send(call), operation: "PeekMessages \(queue)")
    }

    /// Delete Message with the pop receipt of the receive; returns false when it was already gone.
    @discardableResult
    package func delete(queue: String, messageID: String, popReceipt: String) async throws -> Bool {
        var call = try call(
            "DeleteMessage", "DELETE", queue: queue, path: "/messages/" + PercentEncoding.encode(messageID))
        call.url = call.url.adding("popreceipt", popReceipt)
        return try await pipeline.sendUnless(.notFound, call)
    }

    /// Update Message: extends (or ends) its invisibility and optionally replaces its text. Returns
    /// the new pop receipt. Not retried once sent: a second try would carry a stale receipt.
    @discardableResult
    package func update(
        queue: String, messageID: String, popReceipt: String, visibilityTimeout: Duration, text: String? = nil
    ) async throws -> QueueMessageReceipt {
        var call = try call(
            "UpdateMessage", "PUT", queue: queue, path: "/messages/" + PercentEncoding.encode(messageID),
            idempotent: false)
        call.url = call.url.adding("popreceipt", popReceipt).adding(
            "visibilitytimeout", Self.seconds(visibilityTimeout))
        if let text {
            call.headers.set("content-type", "application/xml; charset=utf-8")
            call.body = .bytes(Self.messageBody(text))
        }
        let response = try await pipeline.send(call)
        guard let receipt = response.headers["x-ms-popreceipt"] else {
            throw AzureStorageError(
                .invalidResponse, operation: "UpdateMessage \(queue)", status: response.status,
                detail: "no x-ms-popreceipt header")
        }
        return QueueMessageReceipt(
            id: messageID, popReceipt: receipt,
            nextVisibleTime: response.headers["x-ms-time-next-visible"].flatMap(Self.date))
    }

    /// Clear Messages: empties the queue.
    package func clear(queue: String) async throws {
        _ = try await pipeline.send(try call("ClearMessages", "DELETE", queue: queue, path: "/messages"))
    }

    /// The XML body of Put Message and Update Message.
    static func messageBody(_ text: String) -> [UInt8] {
        Array(
            ("<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessage><MessageText>" + XMLText.escape(text)
                + "</MessageText></QueueMessage>").utf8)
    }

    static func seconds(_ duration: Duration) -> String { String(duration.components.seconds) }

    static func date(_ text: String) -> Date? {
        HTTPDate.parseRFC1123(text)
    }

    static func messages(_ response: TransportResponse, operation: String) throws(AzureStorageError) -> [QueueMessage] {
        guard let root = try? XMLTree.parse(response.body), root.name == "QueueMessagesList" else {
            throw AzureStorageError(
                .invalidResponse, operation: operation, status: response.status,
                requestID: response.headers["x-ms-request-id"], detail: "the body is not a <QueueMessagesList> document"
            )
        }
        return root.children("QueueMessage").map { node in
            QueueMessage(
                id: node.value("MessageId") ?? "", popReceipt: node.value("PopReceipt") ?? "",
                text: node.value("MessageText") ?? "", dequeueCount: Int(node.value("DequeueCount") ?? "") ?? 0,
                insertionTime: node.value("InsertionTime").flatMap(date),
                expirationTime: node.value("ExpirationTime").flatMap(date),
                nextVisibleTime: node.value("TimeNextVisible").flatMap(date))
        }
    }
}
