import AzureWire
import Foundation

/// One typed property value of a Table entity (the EDM types Azure Tables stores).
package enum EntityValue: Sendable, Equatable {
    case string(String)
    case int32(Int32)
    case int64(Int64)
    case double(Double)
    case bool(Bool)
    case date(Date)
    /// A GUID in its text form.
    case guid(String)
    case binary([UInt8])
}

/// A Table entity: its keys, its typed properties and, once read, its ETag for optimistic updates.
package struct TableEntity: Sendable, Equatable {
    package var partitionKey: String
    package var rowKey: String
    package var properties: [String: EntityValue]
    /// The entity's version (from a read or write), for `If-Match`.
    package var etag: String?
    /// When the service last changed it (read only).
    package var timestamp: Date?

    package init(partitionKey: String, rowKey: String, properties: [String: EntityValue] = [:]) {
        self.partitionKey = partitionKey
        self.rowKey = rowKey
        self.properties = properties
    }

    package subscript(_ name: String) -> EntityValue? {
        get { properties[name] }
        set { properties[name] = newValue }
    }
}

extension TableEntity {
    /// The JSON body Azure expects: properties whose type JSON cannot say carry `@odata.type`.
    func json() -> JSONValue {
        var members: [(String, JSONValue)] = [("PartitionKey", .string(partitionKey)), ("RowKey", .string(rowKey))]
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            let (json, type) = Self.encode(value)
            if let type { members.append((name + "@odata.type", .string(type))) }
            members.append((name, json))
        }
        return .object(members)
    }

    private static func encode(_ value: EntityValue) -> (JSONValue, String?) {
        switch value {
        case .string(let text): (.string(text), nil)
        case .int32(let number): (.number(String(number)), nil)
        case .int64(let number): (.string(String(number)), "Edm.Int64")
        case .double(let number):
            // Always typed: a whole double written as `2.0` would otherwise be read back as Int32.
            if number.isNaN {
                (.string("NaN"), "Edm.Double")
            } else if number.isInfinite {
                (.string(number > 0 ? "Infinity" : "-Infinity"), "Edm.Double")
            } else {
                (.number("\(number)"), "Edm.Double")
            }
        case .bool(let flag): (.bool(flag), nil)
        case .date(let date): (.string(TableDate.format(date)), "Edm.DateTime")
        case .guid(let text): (.string(text), "Edm.Guid")
        case .binary(let bytes): (.string(Base64.encode(bytes)), "Edm.Binary")
        }
    }

    /// Why a service's JSON could not be read as an entity; callers report it as an invalid response.
    struct DecodingError: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads an entity from a `minimalmetadata` (or `fullmetadata`) JSON object. An entity without
    /// its keys, or a property whose value does not match its declared type, is an error rather than
    /// something to skip: a query that quietly returned fewer rows or properties would look complete.
    init(json: JSONValue) throws {
        guard case .object(let members) = json else { throw DecodingError(description: "an entity is not a JSON object") }
        guard let partitionKey = json["PartitionKey"]?.stringValue, let rowKey = json["RowKey"]?.stringValue else {
            throw DecodingError(description: "an entity has no PartitionKey or RowKey string")
        }
        self.init(partitionKey: partitionKey, rowKey: rowKey)
        var types: [String: String] = [:]
        for (name, value) in members where name.hasSuffix("@odata.type") {
            types[String(name.dropLast("@odata.type".count))] = value.stringValue
        }
        etag = json["odata.etag"]?.stringValue
        for (name, value) in members {
            if name.hasPrefix("odata.") || name.contains("@odata.") || name == "PartitionKey" || name == "RowKey" {
                continue
            }
            if name == "Timestamp" {
                timestamp = value.stringValue.flatMap(TableDate.parse)
                continue
            }
            // A property named in $select that this entity lacks comes back as null: it is absent.
            if case .null = value { continue }
            guard let decoded = Self.decode(value, type: types[name]) else {
                throw DecodingError(
                    description: "property \(name) of entity (\(partitionKey), \(rowKey)) is not a valid \(types[name] ?? "JSON value")")
            }
            properties[name] = decoded
        }
    }

    private static func decode(_ value: JSONValue, type: String?) -> EntityValue? {
        switch (value, type) {
        case (.string(let text), "Edm.Int64"?): Int64(text).map(EntityValue.int64)
        case (.string(let text), "Edm.Double"?):
            text == "NaN"
                ? .double(.nan)
                : text == "Infinity"
                    ? .double(.infinity)
                    : text == "-Infinity" ? .double(-.infinity) : Double(text).map(EntityValue.double)
        case (.number(let text), "Edm.Double"?): Double(text).map(EntityValue.double)
        case (.string(let text), "Edm.DateTime"?): TableDate.parse(text).map(EntityValue.date)
        case (.string(let text), "Edm.Guid"?): .guid(text)
        case (.string(let text), "Edm.Binary"?): Base64.decode(text).map(EntityValue.binary)
        case (.string(let text), _): .string(text)
        case (.bool(let flag), _): .bool(flag)
        case (.number(let text), _):
            if let small = Int32(text) {
                .int32(small)
            } else if let large = Int64(text) {
                .int64(large)
            } else {
                Double(text).map(EntityValue.double)
            }
        default: nil
        }
    }
}

/// Table dates: ISO 8601 with seven fractional digits (100 ns ticks), always UTC.
enum TableDate {
    static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let ticks = Int(((date.timeIntervalSince1970 - seconds) * 10_000_000).rounded())
        let base = HTTPDate.iso8601(Date(timeIntervalSince1970: seconds), fractionDigits: 0).dropLast()  // drop the Z
        let fraction = String(min(ticks, 9_999_999))
        return base + "." + String(repeating: "0", count: 7 - fraction.count) + fraction + "Z"
    }

    static func parse(_ text: String) -> Date? {
        HTTPDate.parseISO8601(text)
    }
}
