import AzureWire
import Foundation
import Testing

@Suite struct JSONTests {
    @Test(arguments: WireVectors.jsonAccepted)
    func accepted(_ input: String, _ serialized: String) throws {
        let value = try JSONValue.parse(Array(input.utf8))
        #expect(value.serialized() == serialized)
        #expect(try JSONValue.parse(Array(serialized.utf8)) == value)
    }

    @Test(arguments: WireVectors.jsonRefused)
    func refusedWithPosition(_ input: String, _ offset: Int) {
        #expect {
            try JSONValue.parse(Array(input.utf8))
        } throws: { error in
            (error as? JSONSyntaxError)?.offset == offset
        }
    }

    @Test func depthIsBounded() throws {
        let limit = JSONValue.maximumDepth
        let deepest = String(repeating: "[", count: limit - 1) + "1" + String(repeating: "]", count: limit - 1)
        _ = try JSONValue.parse(Array(deepest.utf8))
        let deeper = "[" + deepest + "]"
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(Array(deeper.utf8)) }
    }

    @Test func objectsKeepMemberOrderAndNumberText() throws {
        let value = try JSONValue.parse(Array(#"{"z":5,"a":5.0}"#.utf8))
        #expect(value["z"] == .number("5"))
        #expect(value["a"] == .number("5.0"))
        guard case .object(let members) = value else { throw JSONSyntaxError(offset: 0, reason: "not an object") }
        #expect(members.map(\.0) == ["z", "a"])
    }

    @Test func writerEscapesAndSeparates() {
        var json = JSONWriter()
        json.beginObject()
        json.member("s", "a \"quoted\"\nline\u{1}")
        json.member("n", raw: "7")
        json.beginArray("list")
        json.element("x")
        json.element("y")
        json.endArray()
        json.endObject()
        #expect(json.text == #"{"s":"a \"quoted\"\nline\u0001","n":7,"list":["x","y"]}"#)
    }
}

@Suite struct XMLTests {
    /// Found by the fuzzer: Foundation's parser trapped on an element name that is not UTF-8.
    @Test func aDocumentThatIsNotUTF8IsRefused() {
        for bytes: [UInt8] in [Array("<a".utf8) + [0xEA, 0xB7] + Array("/>".utf8), [0x3C, 0x61, 0xFF, 0x2F, 0x3E]] {
            #expect(throws: XMLSyntaxError.self) { try XMLTree.parse(bytes) }
        }
    }

    @Test func treeKeepsAttributesTextAndChildren() throws {
        let tree = try XMLTree.parse(Array("<A x=\"1\"><B>t &amp; u</B><B>2</B><C><![CDATA[<!DOCTYPE>]]></C></A>".utf8))
        #expect(tree.name == "A")
        #expect(tree.attributes["x"] == "1")
        #expect(tree.children("B").map(\.text) == ["t & u", "2"])
        #expect(tree.value("C") == "<!DOCTYPE>")
        #expect(tree.value("D") == nil)
    }

    @Test func theXMLDeclarationIsAcceptedFirstAfterAByteOrderMark() throws {
        for prefix in ["", "\u{FEFF}"] {
            let tree = try XMLTree.parse(Array((prefix + #"<?xml version="1.0" encoding="utf-8"?><A><B>1</B></A>"#).utf8))
            #expect(tree.value("B") == "1")
        }
    }

    @Test(arguments: WireVectors.xmlRefused.map(\.name))
    func refused(_ name: String) throws {
        let vector = try #require(WireVectors.xmlRefused.first { $0.name == name })
        #expect {
            try XMLTree.parse(Array(vector.input.utf8))
        } throws: { error in
            guard let error = error as? XMLSyntaxError else { return false }
            return vector.reason.map { error.reason.contains($0) } ?? true
        }
    }

    @Test func depthIsBounded() throws {
        let limit = XMLTree.maximumDepth
        let deepest = String(repeating: "<a>", count: limit) + String(repeating: "</a>", count: limit)
        var node = try XMLTree.parse(Array(deepest.utf8))
        var depth = 1
        while let child = node.children.first {
            node = child
            depth += 1
        }
        #expect(depth == limit)
        let deeper = "<a>" + deepest + "</a>"
        #expect(throws: XMLSyntaxError.self) { try XMLTree.parse(Array(deeper.utf8)) }
    }

    @Test(arguments: WireVectors.xmlEscaped)
    func escaped(_ input: String, _ escaped: String, _ roundTrips: Bool) throws {
        #expect(XMLText.escape(input) == escaped)
        guard roundTrips else { return }
        // What is written is what a parser reads back, `\r` included.
        var xml = XMLWriter()
        xml.element("T", input)
        #expect(try XMLTree.parse(Array(xml.text.utf8)).text == input)
    }

    @Test(arguments: WireVectors.xmlUnescaped)
    func unescaped(_ input: String, _ unescaped: String) {
        #expect(XMLText.unescape(input) == unescaped)
    }

    @Test func writerWritesEmptyElementsAndAttributes() {
        var xml = XMLWriter()
        xml.open("R", attributes: [("n", "a\"b")])
        xml.element("E", "")
        xml.optional("O", nil)
        xml.element("V", "1")
        xml.close("R")
        #expect(xml.text == #"<?xml version="1.0" encoding="utf-8"?><R n="a&quot;b"><E /><V>1</V></R>"#)
    }
}

@Suite struct HTTPDateTests {
    @Test(arguments: WireVectors.rfc1123)
    func rfc1123RoundTrip(_ seconds: TimeInterval, _ text: String) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(HTTPDate.rfc1123(date) == text)
        #expect(HTTPDate.parseRFC1123(text) == date)
    }

    @Test(arguments: WireVectors.rfc1123Refused)
    func rfc1123Refused(_ text: String) {
        #expect(HTTPDate.parseRFC1123(text) == nil)
    }

    @Test(arguments: WireVectors.iso8601Written)
    func iso8601Written(_ seconds: TimeInterval, _ digits: Int, _ text: String) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(HTTPDate.iso8601(date, fractionDigits: digits) == text)
        #expect(HTTPDate.parseISO8601(text) == date)
    }

    @Test(arguments: WireVectors.iso8601Read)
    func iso8601Read(_ text: String, _ seconds: TimeInterval) {
        #expect(HTTPDate.parseISO8601(text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: WireVectors.iso8601Refused)
    func iso8601Refused(_ text: String) {
        #expect(HTTPDate.parseISO8601(text) == nil)
    }
}

@Suite struct PercentEncodingTests {
    @Test(arguments: WireVectors.percentEncoded)
    func encoded(_ input: String, _ safe: String, _ encoded: String) {
        #expect(PercentEncoding.encode(input, safe: safe) == encoded)
        #expect(PercentEncoding.decode(encoded) == input)
    }

    @Test(arguments: WireVectors.percentDecoded)
    func decoded(_ input: String, _ path: String, _ query: String) {
        #expect(PercentEncoding.decode(input) == path)
        #expect(PercentEncoding.decodeQueryComponent(input) == query)
    }
}

@Suite struct HeaderCollationTests {
    @Test func sortsLikeTheService() {
        #expect(HeaderCollation.sorted(WireVectors.headerOrder.reversed()) == WireVectors.headerOrder)
        #expect(HeaderCollation.sorted(WireVectors.headerOrder.shuffled()) == WireVectors.headerOrder)
        #expect(WireVectors.headerOrder.reversed().sorted(by: HeaderCollation.precedes) == WireVectors.headerOrder)
    }

    @Test(arguments: WireVectors.headerPairs)
    func notByteOrder(_ first: String, _ second: String) {
        #expect(HeaderCollation.precedes(first, second))
        #expect(!HeaderCollation.precedes(second, first))
        #expect(HeaderCollation.sorted([second, first]) == [first, second])
    }

    @Test func sortCarriesPayloadAndKeepsTiesInOrder() {
        let items: [(name: [UInt8], value: Int)] = [(Array("x-ms-b".utf8), 1), (Array("x-ms-a".utf8), 2)]
        #expect(HeaderCollation.sort(items).map(\.value) == [2, 1])
        #expect(HeaderCollation.sorted(["X-MS-A", "x-ms-a"]) == ["X-MS-A", "x-ms-a"])
        #expect(HeaderCollation.sorted(["x-ms-a", "X-MS-A"]) == ["x-ms-a", "X-MS-A"])
    }
}
