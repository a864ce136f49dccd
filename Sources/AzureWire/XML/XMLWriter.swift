/// Builds the small XML documents Azure's Blob and Queue services send, without a DOM.
///
/// Azure's bodies are flat and predictable; string building is faster and keeps the exact
/// element order clients parse by.
package struct XMLWriter {
    package private(set) var text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"

    package init() {}

    package mutating func open(_ name: String, attributes: [(String, String)] = []) {
        text += "<" + name
        for (key, value) in attributes { text += " \(key)=\"\(XMLText.escape(value))\"" }
        text += ">"
    }

    package mutating func close(_ name: String) { text += "</" + name + ">" }

    /// Writes `<name>value</name>`, or `<name />` for an empty value.
    package mutating func element(_ name: String, _ value: String?) {
        guard let value, !value.isEmpty else {
            text += "<\(name) />"
            return
        }
        text += "<\(name)>\(XMLText.escape(value))</\(name)>"
    }

    /// Writes the element only when there is a value.
    package mutating func optional(_ name: String, _ value: String?) {
        if let value { element(name, value) }
    }

    package mutating func element(_ name: String, _ body: (inout XMLWriter) -> Void) {
        open(name)
        body(&self)
        close(name)
    }
}
