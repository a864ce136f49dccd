import Foundation

/// Typed reads of a property, nil when it holds another type: rows written by other programs (or an
/// older version) are read without trusting their shape.
extension EntityValue {
    /// The value when it is a string.
    package var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The value as a 64-bit integer when it is any integer.
    package var int64: Int64? {
        switch self {
        case .int64(let number): number
        case .int32(let number): Int64(number)
        default: nil
        }
    }

    /// The value as a double when it is any number (whole numbers included).
    package var double: Double? {
        if case .double(let number) = self { return number }
        return int64.map(Double.init)
    }

    /// The value when it is a boolean.
    package var bool: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The value when it is a date.
    package var date: Date? {
        if case .date(let date) = self { return date }
        return nil
    }
}
