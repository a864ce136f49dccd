import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A parsed XML element, enough for Azure's bodies both ways (listings, block lists, ACLs, service
/// properties, queue messages): names, attributes, text, children.
package struct XMLTree: Sendable {
    package var name: String
    package var attributes: [String: String]
    package var text: String
    package var children: [XMLTree]

    package init(name: String, attributes: [String: String] = [:], text: String = "", children: [XMLTree] = []) {
        self.name = name
        self.attributes = attributes
        self.text = text
        self.children = children
    }

    /// The first child with this name, compared case-sensitively as Azure does.
    package func child(_ name: String) -> XMLTree? { children.first { $0.name == name } }
    package func children(_ name: String) -> [XMLTree] { children.filter { $0.name == name } }
    /// Text of the named child; nil when the child is absent.
    package func value(_ name: String) -> String? { child(name)?.text }

    /// How deeply elements may nest. Azure's bodies are a handful of levels deep; the bound keeps a hostile
    /// document from building a tree whose (recursive) release would overflow the stack.
    package static let maximumDepth = 256

    /// Parses a whole document, returning its root element.
    ///
    /// A document type declaration is refused rather than half-honoured: the parser resolves no external
    /// entities, so text referring to one would silently go missing.
    package static func parse(_ bytes: some Collection<UInt8>) throws(XMLSyntaxError) -> XMLTree {
        let data = Data(bytes)
        // Foundation's parser traps on a name that is not UTF-8 (fuzzing found `<a\xea\xb7/>`): refuse
        // such a document first. Azure's bodies are UTF-8.
        guard String(data: data, encoding: .utf8) != nil else {
            throw XMLSyntaxError(line: 1, column: 0, reason: "the document is not valid UTF-8")
        }
        try refuseDeclarations(data)
        let builder = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.delegate = builder
        let parsed = parser.parse()
        if let failure = builder.failure { throw failure }
        guard parsed, let root = builder.root else {
            throw XMLSyntaxError(
                line: parser.lineNumber, column: parser.columnNumber,
                reason: parser.parserError.map { "\($0)" } ?? "empty document")
        }
        return root
    }

    /// Throws at a `<!` that opens neither a comment nor a CDATA section: outside a DTD, that is a
    /// `<!DOCTYPE` (or something malformed the parser would refuse anyway); and at a processing
    /// instruction other than the XML declaration at the start: Foundation's parser dereferences the
    /// missing data of one like `<?x?>` and takes the process down (the fuzzer's 1M run found it).
    /// Azure's bodies carry neither.
    private static func refuseDeclarations(_ data: Data) throws(XMLSyntaxError) {
        let bytes = [UInt8](data)
        var index = 0
        func skip(past terminator: String) {
            let end = Array(terminator.utf8)
            while index + end.count <= bytes.count {
                if bytes[index] == end[0], Array(bytes[index..<index + end.count]) == end {
                    index += end.count
                    return
                }
                index += 1
            }
            index = bytes.count
        }
        func startsWith(_ prefix: String) -> Bool {
            let expected = Array(prefix.utf8)
            return index + expected.count <= bytes.count && Array(bytes[index..<index + expected.count]) == expected
        }
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            if startsWith("<!--") {
                skip(past: "-->")
            } else if startsWith("<![CDATA[") {
                skip(past: "]]>")
            } else if startsWith("<?") {
                // The declaration comes first, after a byte order mark at most (.NET's clients send one).
                let first = index == 0 || (index == 3 && bytes[..<3].elementsEqual([0xEF, 0xBB, 0xBF]))
                let declaration = first && (startsWith("<?xml ") || startsWith("<?xml\t") || startsWith("<?xml?"))
                guard declaration else {
                    throw refusal(at: index, "a processing instruction is not accepted")
                }
                skip(past: "?>")
            } else if startsWith("<!") {
                throw refusal(at: index, "a document type declaration (DTD) is not accepted")
            } else {
                index += 1
            }
        }

        func refusal(at index: Int, _ reason: String) -> XMLSyntaxError {
            let line = bytes[..<index].count { $0 == 0x0A } + 1
            let column = index - (bytes[..<index].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
            return XMLSyntaxError(line: line, column: column, reason: reason)
        }
    }
}

/// Why an XML body could not be parsed, and where.
package struct XMLSyntaxError: Error, Sendable, CustomStringConvertible {
    package var line: Int
    package var column: Int
    package var reason: String
    package var description: String { "\(reason) (line \(line), column \(column))" }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    /// The open elements; a child joins its parent only when it closes, so no nested tree is ever deeper
    /// than this stack was allowed to grow.
    var stack: [XMLTree] = []
    var root: XMLTree?
    var failure: XMLSyntaxError?

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        guard stack.count < XMLTree.maximumDepth else {
            failure = XMLSyntaxError(
                line: parser.lineNumber, column: parser.columnNumber,
                reason: "elements nest deeper than \(XMLTree.maximumDepth) levels")
            parser.abortParsing()
            return
        }
        stack.append(XMLTree(name: elementName, attributes: attributes))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        guard !stack.isEmpty else { return }
        stack[stack.count - 1].text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard failure == nil, let done = stack.popLast() else { return }
        if stack.isEmpty { root = done } else { stack[stack.count - 1].children.append(done) }
    }
}
