import AzureWire

/// The compact binary form an entity's custom properties are stored in (one SQLite BLOB per row).
///
/// A query decodes every row it scans, so this is kept simple and fast: a version byte, then per
/// property a length-prefixed UTF-8 name, a type tag and the value in little-endian.
enum EntityCodec {
    private static let version: UInt8 = 1

    static func encode(_ properties: [EntityProperty]) -> [UInt8] {
        var out: [UInt8] = [version]
        out.reserveCapacity(64 * properties.count + 1)
        for property in properties {
            appendBytes(Array(property.name.utf8), to: &out)
            switch property.value {
            case .string(let text):
                out.append(0)
                appendBytes(Array(text.utf8), to: &out)
            case .int32(let int):
                out.append(1)
                appendInteger(UInt64(UInt32(bitPattern: int)), bytes: 4, to: &out)
            case .int64(let long):
                out.append(2)
                appendInteger(UInt64(bitPattern: long), bytes: 8, to: &out)
            case .double(let double):
                out.append(3)
                appendInteger(double.bitPattern, bytes: 8, to: &out)
            case .boolean(let flag):
                out.append(4)
                out.append(flag ? 1 : 0)
            case .dateTime(let date):
                out.append(5)
                appendInteger(UInt64(bitPattern: date.ticks), bytes: 8, to: &out)
            case .guid(let guid):
                out.append(6)
                appendBytes(Array(guid.utf8), to: &out)
            case .binary(let bytes):
                out.append(7)
                appendBytes(bytes, to: &out)
            }
        }
        return out
    }

    /// Decodes what `encode` wrote; a corrupt row is an internal error, never a crash.
    static func decode(_ bytes: some RandomAccessCollection<UInt8>) throws(StorageError) -> [EntityProperty] {
        var reader = Reader(bytes: Array(bytes))
        guard try reader.byte() == version else { throw StorageError.internalError("unknown entity encoding") }
        var properties: [EntityProperty] = []
        while !reader.atEnd {
            let name = String(decoding: try reader.block(), as: UTF8.self)
            let value: EdmValue
            switch try reader.byte() {
            case 0: value = .string(String(decoding: try reader.block(), as: UTF8.self))
            case 1: value = .int32(Int32(bitPattern: UInt32(truncatingIfNeeded: try reader.integer(bytes: 4))))
            case 2: value = .int64(Int64(bitPattern: try reader.integer(bytes: 8)))
            case 3: value = .double(Double(bitPattern: try reader.integer(bytes: 8)))
            case 4: value = .boolean(try reader.byte() != 0)
            case 5: value = .dateTime(EdmDateTime(ticks: Int64(bitPattern: try reader.integer(bytes: 8))))
            case 6: value = .guid(String(decoding: try reader.block(), as: UTF8.self))
            case 7: value = .binary(try reader.block())
            default: throw StorageError.internalError("corrupt entity encoding")
            }
            properties.append(EntityProperty(name: name, value: value))
        }
        return properties
    }

    private static func appendBytes(_ bytes: [UInt8], to out: inout [UInt8]) {
        appendInteger(UInt64(bytes.count), bytes: 4, to: &out)
        out.append(contentsOf: bytes)
    }

    private static func appendInteger(_ value: UInt64, bytes: Int, to out: inout [UInt8]) {
        for shift in 0..<bytes { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(shift)))) }
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index >= bytes.count }

        mutating func byte() throws(StorageError) -> UInt8 {
            guard index < bytes.count else { throw StorageError.internalError("truncated entity encoding") }
            defer { index += 1 }
            return bytes[index]
        }

        mutating func integer(bytes count: Int) throws(StorageError) -> UInt64 {
            guard index + count <= bytes.count else { throw StorageError.internalError("truncated entity encoding") }
            var value: UInt64 = 0
            for shift in 0..<count { value |= UInt64(bytes[index + shift]) << (8 * UInt64(shift)) }
            index += count
            return value
        }

        mutating func block() throws(StorageError) -> [UInt8] {
            let count = Int(try integer(bytes: 4))
            guard index + count <= bytes.count else { throw StorageError.internalError("truncated entity encoding") }
            defer { index += count }
            return Array(bytes[index..<index + count])
        }
    }
}
