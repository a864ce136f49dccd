import AzureWire

/// Where a query left off: Azure returns at most 1,000 entities (or 5 seconds of work) per page.
package struct TableContinuation: Sendable, Equatable {
    package var nextPartitionKey: String
    package var nextRowKey: String?
}

/// One page of a query.
package struct TableQueryPage: Sendable {
    package var entities: [TableEntity]
    /// Pass back to get the next page; nil at the end.
    package var continuation: TableContinuation?
}

extension TableClient {
    /// Query Entities: one page. `filter` is OData (`PartitionKey eq 'photos' and deleted eq false`);
    /// `select` limits the properties returned (the keys always come back).
    package func query(
        _ table: String, filter: String? = nil, select: [String]? = nil, top: Int? = nil,
        continuation: TableContinuation? = nil
    ) async throws -> TableQueryPage {
        var call = try call("QueryEntities", "GET", table: table, path: "/\(PercentEncoding.encode(table))()")
        call.url = call.url.adding("$filter", filter).adding("$select", select.map(Self.selection))
            .adding("$top", top.map(String.init)).adding("NextPartitionKey", continuation?.nextPartitionKey)
            .adding("NextRowKey", continuation?.nextRowKey)
        let response = try await pipeline.send(call)
        let entities = try Self.entities(in: response, operation: "QueryEntities \(table)") { json in
            guard case .array(let items)? = json["value"] else { return nil }
            return items
        }
        let next = response.headers["x-ms-continuation-nextpartitionkey"].map {
            TableContinuation(nextPartitionKey: $0, nextRowKey: response.headers["x-ms-continuation-nextrowkey"])
        }
        return TableQueryPage(entities: entities, continuation: next)
    }

    /// The `$select` list with the keys added: Azure returns only what is selected, and an entity
    /// without its keys cannot be updated or deleted.
    static func selection(_ names: [String]) -> String {
        var names = names
        for key in ["RowKey", "PartitionKey"] where !names.contains(key) { names.insert(key, at: 0) }
        return names.joined(separator: ",")
    }

    /// Every entity matching the filter, following continuations.
    package func queryAll(_ table: String, filter: String? = nil, select: [String]? = nil) async throws -> [TableEntity]
    {
        var entities: [TableEntity] = []
        var continuation: TableContinuation?
        repeat {
            let page = try await query(table, filter: filter, select: select, continuation: continuation)
            entities += page.entities
            continuation = page.continuation
        } while continuation != nil
        return entities
    }
}
