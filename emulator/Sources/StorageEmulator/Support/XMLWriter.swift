/// Builds the small XML documents Azure's Blob and Queue services send, without a DOM.
///
/// Azure's bodies are flat and predictable; string building is faster and keeps the exact
/// element order clients parse by.
struct XMLWriter {
    private(set) var text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"

    mutating func open(_ name: String, attributes: [(String, String)] = []) {
        text += "<" + name
        for (key, value) in attributes { text += " \(key)=\"\(Self.escape(value))\"" }
        text += ">"
    }

    mutating func close(_ name: String) { text += "</" + name + ">" }

    /// Writes `<name>value</name>`, or `<name />` for an empty value.
    mutating func element(_ name: String, _ value: String?) {
        guard let value, !value.isEmpty else {
            text += "<\(name) />"
            return
        }
        text += "<\(name)>\(Self.escape(value))</\(name)>"
    }

    /// Writes the element only when there is a value.
    mutating func optional(_ name: String, _ value: String?) {
        if let value { element(name, value) }
    }

    mutating func element(_ name: String, _ body: (inout XMLWriter) -> Void) {
        open(name)
        body(&self)
        close(name)
    }

    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\u{9}", "\u{A}", "\u{D}": out.unicodeScalars.append(scalar)
            default:
                // XML 1.0 cannot carry other control characters; Azure writes them as character references.
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "&#x\(String(scalar.value, radix: 16, uppercase: true));"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
