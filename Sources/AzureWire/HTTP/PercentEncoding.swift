/// Percent-encoding the way Azure's SDKs do it, so URLs (and therefore signatures) match theirs byte for
/// byte, and decoding the way the service does it.
package enum PercentEncoding {
    /// RFC 3986 unreserved characters: never encoded.
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Encodes every byte of the UTF-8 form except unreserved characters and those in `safe`
    /// (Python's `urllib.parse.quote(text, safe=…)`).
    package static func encode(_ text: String, safe: String = "") -> String {
        let safeBytes = Set(safe.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || safeBytes.contains(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A blob name in a URL path: `/` separates virtual folders and stays as it is.
    package static func encodePath(_ text: String) -> String { encode(text, safe: "/") }

    /// A query parameter value: everything but unreserved characters is encoded.
    package static func encodeQueryValue(_ text: String) -> String { encode(text) }

    /// Decodes `%XX` sequences (Python's `unquote`); a malformed escape is kept as written. `+` stays a
    /// plus: in a path it is a literal character.
    package static func decode(_ text: some StringProtocol) -> String {
        decode(text, plusIsSpace: false)
    }

    /// Decodes a query parameter's name or value as the service does: `%XX` sequences, and `+` as a space
    /// (form encoding; rclone, for one, lists a folder `sub dir` with `prefix=sub+dir%2F`).
    package static func decodeQueryComponent(_ text: some StringProtocol) -> String {
        decode(text, plusIsSpace: true)
    }

    private static func decode(_ text: some StringProtocol, plusIsSpace: Bool) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "%")) || (plusIsSpace && bytes.contains(UInt8(ascii: "+"))) else {
            return String(text)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
            } else {
                out.append(plusIsSpace && bytes[index] == UInt8(ascii: "+") ? UInt8(ascii: " ") : bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
