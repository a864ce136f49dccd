/// Every Table service operation the emulator knows, identified from the URL's shape (`TableResourcePath`), the
/// method (after `X-HTTP-Method` tunnelling) and `comp`. The service dispatches on it and the route table
/// (`TableOperation+Route.swift`) lists each case, so a new operation cannot skip authorization tests.
enum TableOperation: String, Sendable, CaseIterable {
    case getServiceProperties, setServiceProperties, getServiceStats
    case createTable, queryTables, getTable, deleteTable, getTableACL, setTableACL
    case queryEntities, getEntity, insertEntity, updateEntity, mergeEntity, deleteEntity, batch

    /// Identifies the operation, or nil when the method means nothing on that path.
    static func identify(path: TableResourcePath, method: String, comp: String?) -> TableOperation? {
        let comp = comp?.lowercased()
        switch (path, method) {
        case (.service, "GET") where comp == "properties": return .getServiceProperties
        case (.service, "PUT") where comp == "properties": return .setServiceProperties
        case (.service, "GET") where comp == "stats": return .getServiceStats
        case (.tables, "POST"): return .createTable
        case (.tables, "GET"): return .queryTables
        case (.namedTable, "GET"): return .getTable
        case (.namedTable, "DELETE"): return .deleteTable
        case (.table, "GET") where comp == "acl": return .getTableACL
        case (.table, "PUT") where comp == "acl": return .setTableACL
        case (.table, "GET"): return .queryEntities
        case (.entity, "GET"): return .getEntity
        case (.table, "POST"): return .insertEntity
        // PUT and MERGE/PATCH without If-Match are the insert-or-replace / insert-or-merge forms.
        case (.entity, "PUT"): return .updateEntity
        case (.entity, "MERGE"), (.entity, "PATCH"): return .mergeEntity
        case (.entity, "DELETE"): return .deleteEntity
        case (.batch, "POST"): return .batch
        default: return nil
        }
    }
}
