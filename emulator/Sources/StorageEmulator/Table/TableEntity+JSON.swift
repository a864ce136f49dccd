import AzureWire
import Foundation

extension TableEntity {
    /// Writes the entity as Azure does at the context's metadata level.
    ///
    /// - minimal: `odata.etag`, and `@odata.type` only where JSON cannot carry the type
    ///   (Int64, DateTime, Guid, Binary, a non-finite Double);
    /// - full: also `odata.type`, `odata.id`, `odata.editLink`, and every non-string,
    ///   non-boolean, non-Int32 property annotated, `Timestamp` included;
    /// - none: plain values (Int64 as a string, as Azure sends it).
    ///
    /// - Parameters:
    ///   - select: when non-nil, only these properties (a missing one is written as null, as Azure does).
    ///   - documentMetadata: the `odata.metadata` URL for a single-entity response; nil inside a feed.
    func write(
        to json: inout JSONWriter, table: String, context: ODataContext, select: [String]? = nil,
        documentMetadata: String? = nil
    ) {
        let level = context.level
        json.beginObject()
        if let documentMetadata, level != .none { json.member("odata.metadata", documentMetadata) }
        if level == .full {
            let path = "\(table)(PartitionKey='\(Self.quoteKey(partitionKey))',RowKey='\(Self.quoteKey(rowKey))')"
            json.member("odata.type", "\(context.account).\(table)")
            json.member("odata.id", "\(context.baseURL)/\(path)")
            json.member("odata.etag", etag)
            json.member("odata.editLink", path)
        } else if level == .minimal {
            json.member("odata.etag", etag)
        }
        if let select {
            for name in select {
                if let value = value(of: name) {
                    Self.writeProperty(name, value, system: name == "Timestamp", level: level, to: &json)
                } else {
                    json.member(name, raw: "null")
                }
            }
        } else {
            json.member("PartitionKey", partitionKey)
            json.member("RowKey", rowKey)
            Self.writeProperty("Timestamp", .dateTime(timestamp), system: true, level: level, to: &json)
            for property in properties {
                Self.writeProperty(property.name, property.value, system: false, level: level, to: &json)
            }
        }
        json.endObject()
    }

    /// Doubles a key's single quotes and percent-encodes it for use inside `(PartitionKey='…')`.
    static func quoteKey(_ key: String) -> String {
        PercentEncoding.encode(key.replacingOccurrences(of: "'", with: "''"))
            .replacingOccurrences(of: "%27", with: "'")
    }

    static func writeProperty(_ name: String, _ value: EdmValue, system: Bool, level: ODataMetadata, to json: inout JSONWriter) {
        let annotate: Bool
        switch (level, value) {
        case (.none, _): annotate = false
        case (_, .int64), (_, .guid), (_, .binary): annotate = true
        case (.minimal, .dateTime): annotate = !system
        case (.full, .dateTime): annotate = true
        case (.minimal, .double(let double)): annotate = !double.isFinite
        case (.full, .double): annotate = true
        default: annotate = false
        }
        if annotate { json.member(name + "@odata.type", value.edmType.rawValue) }
        switch value {
        case .string(let text): json.member(name, text)
        case .int32(let int): json.member(name, raw: String(int))
        case .int64(let long): json.member(name, String(long))
        case .double(let double):
            if double.isNaN {
                json.member(name, "NaN")
            } else if double.isInfinite {
                json.member(name, double < 0 ? "-Infinity" : "Infinity")
            } else {
                json.member(name, raw: formatDouble(double))
            }
        case .boolean(let flag): json.member(name, raw: flag ? "true" : "false")
        case .dateTime(let date): json.member(name, system ? date.iso8601Full : date.iso8601)
        case .guid(let guid): json.member(name, guid)
        case .binary(let bytes): json.member(name, Data(bytes).base64EncodedString())
        }
    }

    /// The shortest text that reads back as the same Double, always with a fraction or exponent so
    /// that clients inferring types from JSON see a Double, not an integer.
    static func formatDouble(_ value: Double) -> String {
        let text = "\(value)"
        if text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return text }
        return text + ".0"
    }
}
