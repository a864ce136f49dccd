import AzureWire

/// One entity as stored: its two keys, the server-assigned `Timestamp`, and its custom
/// properties in the order the client first sent them.
struct TableEntity: Sendable, Equatable {
    var partitionKey: String
    var rowKey: String
    var timestamp: EdmDateTime
    var properties: [EntityProperty]

    /// Azure's limits (see "Understanding the Table service data model").
    static let maximumCustomProperties = 252
    static let maximumEntityBytes = 1024 * 1024
    static let maximumKeyBytes = 1024
    static let maximumPropertyNameLength = 255
    static let maximumValueBytes = 64 * 1024

    /// A property by name, including the system ones, for filters and `$select`.
    func value(of name: String) -> EdmValue? {
        switch name {
        case "PartitionKey": return .string(partitionKey)
        case "RowKey": return .string(rowKey)
        case "Timestamp": return .dateTime(timestamp)
        default: return properties.first { $0.name == name }?.value
        }
    }

    /// The weak ETag Azure derives from the timestamp: `W/"datetime'2026-11-25T08%3A00%3A00.1234567Z'"`.
    var etag: String { Self.etag(for: timestamp) }

    static func etag(for timestamp: EdmDateTime) -> String {
        "W/\"datetime'" + timestamp.iso8601Full.replacingOccurrences(of: ":", with: "%3A") + "'\""
    }

    /// Merge semantics: properties present in `update` replace or join the stored ones; the rest stay.
    mutating func merge(_ update: [EntityProperty]) {
        for property in update {
            if let index = properties.firstIndex(where: { $0.name == property.name }) {
                properties[index].value = property.value
            } else {
                properties.append(property)
            }
        }
    }
}

/// A named, typed custom property.
struct EntityProperty: Sendable, Equatable {
    var name: String
    var value: EdmValue
}

/// The keys of one entity, as named by a request URL or a body.
struct EntityKey: Sendable, Hashable {
    var partitionKey: String
    var rowKey: String

    /// Rejects the characters Azure forbids in keys (`/ \ # ?` and control characters) and keys over 1 KiB.
    static func validate(_ value: String, name: String) throws(StorageError) {
        if value.utf16.count * 2 > TableEntity.maximumKeyBytes {
            throw StorageError.outOfRangeInput("The '\(name)' parameter is longer than 1 KiB.")
        }
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x2F, 0x5C, 0x23, 0x3F, 0x00...0x1F, 0x7F...0x9F:
                throw StorageError.outOfRangeInput(
                    "The '\(name)' parameter of value '\(value)' is out of range: it contains '\(scalar.escaped(asASCII: true))', which keys cannot hold (/ \\ # ? and control characters).")
            default: continue
            }
        }
    }
}
