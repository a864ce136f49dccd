import AzureWire

/// A typed property value of a table entity, one case per Edm type Azure Tables stores.
///
/// The type is part of the value: an `Edm.Int64` 5 and an `Edm.Int32` 5 are different values
/// that must come back to the client with their own types.
enum EdmValue: Sendable, Equatable {
    case string(String)
    case int32(Int32)
    case int64(Int64)
    case double(Double)
    case boolean(Bool)
    case dateTime(EdmDateTime)
    /// Stored lowercased, as Azure returns GUIDs.
    case guid(String)
    case binary([UInt8])

    /// The Edm type name used in `@odata.type` annotations and typed filter literals.
    var edmType: EdmType {
        switch self {
        case .string: .string
        case .int32: .int32
        case .int64: .int64
        case .double: .double
        case .boolean: .boolean
        case .dateTime: .dateTime
        case .guid: .guid
        case .binary: .binary
        }
    }

    /// Compares two values the way Azure's query engine does: numbers across Int32/Int64/Double by
    /// value, strings ordinally (by code point, never by Unicode equivalence), everything else only
    /// within its own type. Nil when the two cannot be compared, which makes the comparison false.
    func compare(to other: EdmValue) -> Int? {
        switch (self, other) {
        case (.string(let a), .string(let b)): return Self.ordinal(a, b)
        case (.boolean(let a), .boolean(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.dateTime(let a), .dateTime(let b)): return a == b ? 0 : (a < b ? -1 : 1)
        case (.guid(let a), .guid(let b)): return Self.ordinal(a, b)
        case (.binary(let a), .binary(let b)):
            if a == b { return 0 }
            return a.lexicographicallyPrecedes(b) ? -1 : 1
        case (.int32, _), (.int64, _), (.double, _):
            return Self.numeric(self, other)
        default:
            return nil
        }
    }

    private static func numeric(_ lhs: EdmValue, _ rhs: EdmValue) -> Int? {
        switch (lhs.integer, rhs.integer) {
        case (let a?, let b?): return a == b ? 0 : (a < b ? -1 : 1)
        default:
            guard let a = lhs.floatingPoint, let b = rhs.floatingPoint, !a.isNaN, !b.isNaN else { return nil }
            return a == b ? 0 : (a < b ? -1 : 1)
        }
    }

    private var integer: Int64? {
        switch self {
        case .int32(let value): Int64(value)
        case .int64(let value): value
        default: nil
        }
    }

    private var floatingPoint: Double? {
        switch self {
        case .int32(let value): Double(value)
        case .int64(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// Ordinal comparison on UTF-8 bytes, which orders like code points (and like SQLite's BINARY collation).
    static func ordinal(_ a: String, _ b: String) -> Int {
        var left = a
        var right = b
        return left.withUTF8 { l in
            right.withUTF8 { r in
                let common = min(l.count, r.count)
                for index in 0..<common where l[index] != r[index] { return l[index] < r[index] ? -1 : 1 }
                return l.count == r.count ? 0 : (l.count < r.count ? -1 : 1)
            }
        }
    }
}

/// The Edm type names Azure Tables knows.
enum EdmType: String, Sendable, CaseIterable {
    case string = "Edm.String"
    case int32 = "Edm.Int32"
    case int64 = "Edm.Int64"
    case double = "Edm.Double"
    case boolean = "Edm.Boolean"
    case dateTime = "Edm.DateTime"
    case guid = "Edm.Guid"
    case binary = "Edm.Binary"
}

extension EdmValue {
    /// Checks a GUID's `8-4-4-4-12` hex shape and returns it lowercased.
    static func normalizedGUID(_ text: some StringProtocol) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                out.append(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): out.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): out.append(byte + 32)
            default: return nil
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex digits (`X'0AFF'`); nil on an odd count or a non-hex digit.
    static func bytes(fromHex text: some StringProtocol) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}
