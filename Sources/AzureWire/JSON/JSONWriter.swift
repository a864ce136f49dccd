/// Writes JSON text directly into a byte buffer: Table responses are flat objects written on
/// every query row, so building them without an intermediate tree keeps large queries cheap.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []
    /// Per open object or array: whether a member was written (so the next needs a comma).
    private var needsComma: [Bool] = []
    /// True between a member name and its value, which must not be preceded by a comma.
    private var awaitingValue = false

    package init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    package mutating func beginObject() {
        separator()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    package mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma.removeLast()
    }

    package mutating func beginArray(_ name: String) {
        key(name)
        separator()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    /// Starts an array as the value of the member `key` just named, or as an element of an enclosing array.
    package mutating func beginArrayValue() {
        separator()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    /// A string element of the enclosing array.
    package mutating func element(_ value: String) {
        separator()
        Self.appendString(value, to: &bytes)
    }

    package mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma.removeLast()
    }

    /// Starts a member whose value the next call writes.
    package mutating func key(_ name: String) {
        separator()
        Self.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        awaitingValue = true
    }

    package mutating func member(_ name: String, _ value: String) {
        key(name)
        awaitingValue = false
        Self.appendString(value, to: &bytes)
    }

    /// A member whose value is already valid JSON text (a number, `true`, `null`).
    package mutating func member(_ name: String, raw: String) {
        key(name)
        awaitingValue = false
        bytes.append(contentsOf: raw.utf8)
    }

    private mutating func separator() {
        if awaitingValue {
            awaitingValue = false
            return
        }
        guard let last = needsComma.last else { return }
        if last { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    package var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends a JSON string literal, escaping quotes, backslashes and control characters.
    package static func appendString(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
