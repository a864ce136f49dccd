import HTTPTypes

/// Every Queue service operation the emulator knows, identified from the method, the path's shape
/// (`/ACCOUNT`, `/ACCOUNT/queue`, `/ACCOUNT/queue/messages[/ID]`) and `comp`. The service dispatches on it and the
/// route table (`QueueOperation+Route.swift`) lists each case, so a new operation cannot skip authorization tests.
enum QueueOperation: String, Sendable, CaseIterable {
    case listQueues, getServiceProperties, setServiceProperties, getServiceStats
    case createQueue, deleteQueue, getQueueMetadata, setQueueMetadata, getQueueACL, setQueueACL
    case putMessage, getMessages, peekMessages, clearMessages, deleteMessage, updateMessage

    /// Identifies the operation, or nil when the combination means nothing to Azure either.
    static func identify(method: HTTPRequest.Method, segments: [String], comp: String?, peekOnly: Bool) -> QueueOperation? {
        let comp = comp?.lowercased()
        switch segments.count {
        case 0:
            switch (method, comp) {
            case (.get, "list"): return .listQueues
            case (.get, "properties"): return .getServiceProperties
            case (.put, "properties"): return .setServiceProperties
            case (.get, "stats"): return .getServiceStats
            default: return nil
            }
        case 1:
            switch (method, comp) {
            case (.put, nil): return .createQueue
            case (.delete, nil): return .deleteQueue
            case (.get, "metadata"), (.head, "metadata"): return .getQueueMetadata
            case (.put, "metadata"): return .setQueueMetadata
            case (.get, "acl"), (.head, "acl"): return .getQueueACL
            case (.put, "acl"): return .setQueueACL
            default: return nil
            }
        case 2 where segments[1] == "messages":
            switch method {
            case .post: return .putMessage
            case .get: return peekOnly ? .peekMessages : .getMessages
            case .delete: return .clearMessages
            default: return nil
            }
        case 3 where segments[1] == "messages":
            switch method {
            case .delete: return .deleteMessage
            case .put: return .updateMessage
            default: return nil
            }
        default:
            return nil
        }
    }
}
