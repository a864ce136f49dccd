import AzureWire
import Foundation

/// Reads an entity from a request's JSON body: types come from `Name@odata.type` annotations,
/// or are inferred as Azure infers them (string, boolean, Int32 for integers, Double otherwise).
enum EntityBody {
    struct Parsed: Sendable {
        var partitionKey: String?
        var rowKey: String?
        var properties: [EntityProperty]
    }

    static func parse(_ body: some Collection<UInt8>) throws(StorageError) -> Parsed {
        let document: JSONValue
        do {
            document = try JSONValue.parse(body)
        } catch {
            throw StorageError.tableInvalidInput("The request body is not valid JSON: \(error).")
        }
        guard case .object(let members) = document else {
            throw StorageError.tableInvalidInput("The request body must be a JSON object of entity properties.")
        }
        var annotations: [String: String] = [:]
        for (name, value) in members where name.hasSuffix("@odata.type") {
            guard case .string(let type) = value else {
                throw StorageError.tableInvalidInput("The annotation \(name) must be a string naming an Edm type.")
            }
            annotations[String(name.dropLast("@odata.type".count))] = type
        }
        var parsed = Parsed(partitionKey: nil, rowKey: nil, properties: [])
        var seen = Set<String>()
        for (name, value) in members {
            if name.hasPrefix("odata.") || name.hasSuffix("@odata.type") { continue }
            guard seen.insert(name).inserted else {
                throw StorageError(.badRequest, "DuplicatePropertiesSpecified", "The property '\(name)' is specified more than once.")
            }
            switch name {
            case "PartitionKey", "RowKey":
                guard case .string(let key) = value else {
                    throw StorageError.tableInvalidInput("\(name) must be a string.")
                }
                if name == "PartitionKey" { parsed.partitionKey = key } else { parsed.rowKey = key }
                continue
            case "Timestamp":
                continue  // Server-assigned; Azure ignores a client's value.
            default:
                break
            }
            if case .null = value { continue }
            try validateName(name)
            let typed = try typedValue(name: name, value: value, annotation: annotations[name])
            try validateSize(name: name, value: typed)
            parsed.properties.append(EntityProperty(name: name, value: typed))
        }
        if parsed.properties.count > TableEntity.maximumCustomProperties {
            throw StorageError(
                .badRequest, "TooManyProperties",
                "The entity has \(parsed.properties.count) properties; at most \(TableEntity.maximumCustomProperties) besides PartitionKey, RowKey and Timestamp are allowed.")
        }
        return parsed
    }

    /// Property names follow C# identifier rules, up to 255 characters.
    static func validateName(_ name: String) throws(StorageError) {
        if name.count > TableEntity.maximumPropertyNameLength {
            throw StorageError(.badRequest, "PropertyNameTooLong", "The property name '\(name.prefix(40))…' is longer than 255 characters.")
        }
        if name.isEmpty {
            throw StorageError(.badRequest, "PropertyNameInvalid", "A property name is empty.")
        }
        for (offset, scalar) in name.unicodeScalars.enumerated() {
            // ASCII letters, digits and '_' are the common case; only other scalars need Unicode's tables.
            switch scalar {
            case "a"..."z", "A"..."Z", "_": continue
            case "0"..."9" where offset > 0: continue
            default: break
            }
            let isDigit = scalar.properties.generalCategory == .decimalNumber
            guard scalar == "_" || scalar.properties.isAlphabetic || (offset > 0 && isDigit) else {
                throw StorageError(
                    .badRequest, "PropertyNameInvalid",
                    "The property name '\(name)' is invalid: names follow C# identifier rules (a letter or '_', then letters, digits or '_').")
            }
        }
    }

    static func typedValue(name: String, value: JSONValue, annotation: String?) throws(StorageError) -> EdmValue {
        func mismatch(_ expected: String) -> StorageError {
            StorageError.tableInvalidInput("The value of property '\(name)' is not a valid \(expected).")
        }
        guard let annotation else {
            switch value {
            case .string(let text): return .string(text)
            case .bool(let flag): return .boolean(flag)
            case .number(let text):
                if !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) {
                    if let int = Int32(text) { return .int32(int) }
                    if let long = Int64(text) { return .int64(long) }
                }
                guard let double = Double(text) else { throw mismatch("number") }
                return .double(double)
            default:
                throw StorageError.tableInvalidInput("The property '\(name)' has a value of a type tables cannot store (objects and arrays are not supported).")
            }
        }
        guard let type = EdmType(rawValue: annotation) else {
            throw StorageError.tableInvalidInput("The type '\(annotation)' of property '\(name)' is not an Edm type Azure Tables supports.")
        }
        switch (type, value) {
        case (.string, .string(let text)): return .string(text)
        case (.boolean, .bool(let flag)): return .boolean(flag)
        case (.boolean, .string(let text)) where text == "true" || text == "false": return .boolean(text == "true")
        case (.int32, .number(let text)), (.int32, .string(let text)):
            guard let int = Int32(text) else { throw mismatch("Edm.Int32") }
            return .int32(int)
        case (.int64, .string(let text)), (.int64, .number(let text)):
            guard let long = Int64(text) else { throw mismatch("Edm.Int64") }
            return .int64(long)
        case (.double, .number(let text)):
            guard let double = Double(text) else { throw mismatch("Edm.Double") }
            return .double(double)
        case (.double, .string(let text)):
            switch text {
            case "NaN": return .double(.nan)
            case "Infinity", "INF": return .double(.infinity)
            case "-Infinity", "-INF": return .double(-.infinity)
            default:
                guard let double = Double(text), double.isFinite else { throw mismatch("Edm.Double") }
                return .double(double)
            }
        case (.dateTime, .string(let text)):
            guard let date = EdmDateTime(parsing: text) else { throw mismatch("Edm.DateTime (ISO 8601, UTC)") }
            return .dateTime(date)
        case (.guid, .string(let text)):
            guard let guid = EdmValue.normalizedGUID(text) else { throw mismatch("Edm.Guid") }
            return .guid(guid)
        case (.binary, .string(let text)):
            guard let data = Data(base64Encoded: text) else { throw mismatch("Edm.Binary (base64)") }
            return .binary(Array(data))
        default:
            throw mismatch(annotation)
        }
    }

    static func validateSize(name: String, value: EdmValue) throws(StorageError) {
        let size: Int
        switch value {
        case .string(let text): size = text.utf16.count * 2
        case .binary(let bytes): size = bytes.count
        default: return
        }
        if size > TableEntity.maximumValueBytes {
            throw StorageError(
                .badRequest, "PropertyValueTooLarge",
                "The value of property '\(name)' is \(size) bytes; Azure allows at most 64 KiB per property.")
        }
    }
}
