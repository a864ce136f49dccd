/// The Queue service's part of the route table. Letters follow Azure's SAS permission tables as Azurite encodes
/// them (`OperationQueueSASPermission`, `OperationAccountSASPermission`): a queue SAS reads (`r`), adds (`a`),
/// updates (`u`) and processes (`p`: get and delete messages); everything at the queue or service level takes an
/// account SAS, and a queue's ACL takes the account key.
extension QueueOperation {
    var route: OperationRoute {
        func r(
            _ method: String, _ path: String, _ query: [(String, String)] = [], body: String = "",
            _ access: OperationAccess
        ) -> OperationRoute {
            OperationRoute(service: .queue, name: rawValue, method: method, path: path, query: query, body: body, access: access)
        }
        func r(_ method: String, _ path: String, body: String = "", _ access: OperationAccess) -> OperationRoute {
            r(method, path, [], body: body, access)
        }
        let message = "<QueueMessage><MessageText>hello</MessageText></QueueMessage>"
        let receipt = [("popreceipt", "AAAAAAAAAAA="), ("visibilitytimeout", "0")]
        switch self {
        case .listQueues: return r("GET", "/", [("comp", "list")], .accountOnly(.service, "l"))
        case .getServiceProperties:
            return r("GET", "/", [("restype", "service"), ("comp", "properties")], .accountOnly(.service, "r"))
        case .setServiceProperties:
            return r(
                "PUT", "/", [("restype", "service"), ("comp", "properties")], body: "<StorageServiceProperties/>",
                .accountOnly(.service, "w"))
        case .getServiceStats:
            return r("GET", "/", [("restype", "service"), ("comp", "stats")], .accountOnly(.service, "r"))
        case .createQueue: return r("PUT", "/{queue}", .accountOnly(.container, "cw"))
        case .deleteQueue: return r("DELETE", "/{queue}", .accountOnly(.container, "d"))
        case .getQueueMetadata:
            return r("GET", "/{queue}", [("comp", "metadata")], .init(resourceType: .container, account: .init(anyOf: "r"), service: .init(anyOf: "r")))
        case .setQueueMetadata: return r("PUT", "/{queue}", [("comp", "metadata")], .accountOnly(.container, "w"))
        case .getQueueACL: return r("GET", "/{queue}", [("comp", "acl")], .accountKeyOnly(.container))
        case .setQueueACL: return r("PUT", "/{queue}", [("comp", "acl")], body: "<SignedIdentifiers/>", .accountKeyOnly(.container))
        case .putMessage: return r("POST", "/{queue}/messages", body: message, .both(.object, "a"))
        case .getMessages: return r("GET", "/{queue}/messages", .both(.object, "p"))
        case .peekMessages: return r("GET", "/{queue}/messages", [("peekonly", "true")], .both(.object, "r"))
        case .clearMessages: return r("DELETE", "/{queue}/messages", .accountOnly(.object, "d"))
        case .deleteMessage:
            return r(
                "DELETE", "/{queue}/messages/00000000-0000-0000-0000-000000000000", receipt,
                .init(resourceType: .object, account: .init(anyOf: "pd"), service: .init(anyOf: "p")))
        case .updateMessage:
            return r(
                "PUT", "/{queue}/messages/00000000-0000-0000-0000-000000000000", receipt, body: message,
                .both(.object, "u"))
        }
    }
}
