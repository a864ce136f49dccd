/// What a Table service URL path names, after the account: the `Tables` collection or one table
/// (`Tables('name')`), `$batch`, or a table with an optional entity key
/// (`name`, `name()`, `name(PartitionKey='a',RowKey='b')`).
enum TableResourcePath: Sendable, Equatable {
    case service
    case tables
    case namedTable(String)
    case batch
    case table(String)
    case entity(String, EntityKey)

    /// The table a table-level or entity-level path names.
    var tableName: String? {
        switch self {
        case .namedTable(let name), .table(let name), .entity(let name, _): return name
        case .service, .tables, .batch: return nil
        }
    }

    /// Parses the decoded path segments; keys use OData's quoting, where `''` is one quote.
    static func parse(_ segments: [String]) throws(StorageError) -> TableResourcePath {
        let path = segments.joined(separator: "/")
        if path.isEmpty { return .service }
        if path == "$batch" { return .batch }
        guard let open = path.firstIndex(of: "(") else {
            return path == "Tables" || path == "tables" ? .tables : .table(path)
        }
        let name = String(path[..<open])
        guard path.hasSuffix(")") else {
            throw StorageError.tableInvalidInput("The path '\(path)' has an unclosed '('.")
        }
        let inside = path[path.index(after: open)..<path.index(before: path.endIndex)]
        if name == "Tables" || name == "tables" {
            if inside.allSatisfy({ $0 == " " }) { return .tables }
            let values = try arguments(inside)
            guard values.count == 1, values[0].name == nil || values[0].name == "TableName" else {
                throw StorageError.tableInvalidInput("Expected Tables('name'), found '\(path)'.")
            }
            return .namedTable(values[0].value)
        }
        if inside.allSatisfy({ $0 == " " }) { return .table(name) }
        let values = try arguments(inside)
        var partitionKey: String?
        var rowKey: String?
        for (index, value) in values.enumerated() {
            switch value.name {
            case "PartitionKey": partitionKey = value.value
            case "RowKey": rowKey = value.value
            case nil where values.count == 2: if index == 0 { partitionKey = value.value } else { rowKey = value.value }
            default: break
            }
        }
        guard values.count == 2, let partitionKey, let rowKey else {
            throw StorageError.tableInvalidInput(
                "The number of keys specified in the URI does not match number of key properties for the resource: '\(path)'.")
        }
        return .entity(name, EntityKey(partitionKey: partitionKey, rowKey: rowKey))
    }

    /// `Name='value'` or `'value'` items separated by commas.
    private static func arguments(_ text: Substring) throws(StorageError) -> [(name: String?, value: String)] {
        var items: [(name: String?, value: String)] = []
        var index = text.startIndex
        func skipSpaces() { while index < text.endIndex, text[index] == " " { index = text.index(after: index) } }
        while index < text.endIndex {
            skipSpaces()
            var name: String?
            if text[index] != "'" {
                guard let equals = text[index...].firstIndex(of: "=") else {
                    throw StorageError.tableInvalidInput("Expected Name='value' in '\(text)'.")
                }
                name = String(text[index..<equals].filter { $0 != " " })
                index = text.index(after: equals)
                skipSpaces()
            }
            guard index < text.endIndex, text[index] == "'" else {
                throw StorageError.tableInvalidInput("Key values must be quoted strings in '\(text)'.")
            }
            index = text.index(after: index)
            var value = ""
            var closed = false
            while index < text.endIndex {
                let character = text[index]
                index = text.index(after: index)
                if character == "'" {
                    if index < text.endIndex, text[index] == "'" {
                        value.append("'")
                        index = text.index(after: index)
                        continue
                    }
                    closed = true
                    break
                }
                value.append(character)
            }
            guard closed else { throw StorageError.tableInvalidInput("A quoted key in '\(text)' is not closed.") }
            items.append((name, value))
            skipSpaces()
            if index < text.endIndex {
                guard text[index] == "," else { throw StorageError.tableInvalidInput("Expected ',' between keys in '\(text)'.") }
                index = text.index(after: index)
            }
        }
        return items
    }
}
