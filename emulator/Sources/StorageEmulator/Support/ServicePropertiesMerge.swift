import AzureWire

/// Set Service Properties replaces only the top-level sections its document names (`Logging`,
/// `Cors`, `DeleteRetentionPolicy`…) and keeps the others, for all three services.
enum ServicePropertiesMerge {
    static func merge(_ update: XMLTree, into stored: XMLTree) -> String {
        var sections = stored.children
        for section in update.children {
            if let index = sections.firstIndex(where: { $0.name == section.name }) {
                sections[index] = section
            } else {
                sections.append(section)
            }
        }
        var xml = XMLWriter()
        xml.open("StorageServiceProperties")
        for section in sections { xml.write(section) }
        xml.close("StorageServiceProperties")
        return xml.text
    }
}

extension XMLWriter {
    /// Writes a parsed element back out; leaf text is trimmed (indentation is not a value).
    mutating func write(_ node: XMLTree) {
        if node.children.isEmpty {
            element(node.name, node.text.trimmingCharacters(in: .whitespacesAndNewlines))
            return
        }
        open(node.name)
        for child in node.children { write(child) }
        close(node.name)
    }
}
