import AzureWire

/// Splits a `$filter` string into tokens, remembering where each starts for error messages.
struct ODataLexer {
    enum Token: Sendable, Equatable {
        case openParen, closeParen
        /// A name: a property, an operator keyword, `true`/`false`.
        case word(String)
        case literal(EdmValue)
        case end
    }

    struct Located: Sendable {
        var token: Token
        /// Character offset in the filter, counted from 0.
        var offset: Int
    }

    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    /// Tokenizes the whole filter; a malformed literal is a `ODataFilterError` naming its offset.
    static func tokens(_ text: String) throws(ODataFilterError) -> [Located] {
        var lexer = ODataLexer(text)
        var out: [Located] = []
        while true {
            let token = try lexer.next()
            out.append(token)
            if token.token == .end { return out }
        }
    }

    private mutating func next() throws(ODataFilterError) -> Located {
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
        let start = index
        guard index < scalars.count else { return Located(token: .end, offset: start) }
        let scalar = scalars[index]
        switch scalar {
        case "(":
            index += 1
            return Located(token: .openParen, offset: start)
        case ")":
            index += 1
            return Located(token: .closeParen, offset: start)
        case "'":
            return Located(token: .literal(.string(try quoted(start: start))), offset: start)
        case "-", "0"..."9", ".":
            return Located(token: .literal(try number(start: start)), offset: start)
        default:
            guard Self.isNameStart(scalar) else {
                throw ODataFilterError(offset: start, reason: "unexpected character '\(scalar)'")
            }
            while index < scalars.count, Self.isNamePart(scalars[index]) { index += 1 }
            let word = String(String.UnicodeScalarView(scalars[start..<index]))
            if index < scalars.count, scalars[index] == "'" {
                return Located(token: .literal(try typedLiteral(prefix: word, start: start)), offset: start)
            }
            return Located(token: .word(word), offset: start)
        }
    }

    /// A quoted string starting at `'`; `''` inside stands for one quote.
    private mutating func quoted(start: Int) throws(ODataFilterError) -> String {
        index += 1
        var text = String.UnicodeScalarView()
        while index < scalars.count {
            if scalars[index] == "'" {
                if index + 1 < scalars.count, scalars[index + 1] == "'" {
                    text.append("'")
                    index += 2
                    continue
                }
                index += 1
                return String(text)
            }
            text.append(scalars[index])
            index += 1
        }
        throw ODataFilterError(offset: start, reason: "the string literal is not closed with a quote")
    }

    private mutating func typedLiteral(prefix: String, start: Int) throws(ODataFilterError) -> EdmValue {
        let body = try quoted(start: start)
        switch prefix.lowercased() {
        case "datetime":
            guard let date = EdmDateTime(parsing: body) else {
                throw ODataFilterError(offset: start, reason: "datetime'\(body)' is not an ISO 8601 date and time")
            }
            return .dateTime(date)
        case "guid":
            guard let guid = EdmValue.normalizedGUID(body) else {
                throw ODataFilterError(offset: start, reason: "guid'\(body)' is not a GUID (8-4-4-4-12 hex digits)")
            }
            return .guid(guid)
        case "x", "binary":
            guard let bytes = EdmValue.bytes(fromHex: body) else {
                throw ODataFilterError(offset: start, reason: "\(prefix)'\(body)' is not an even number of hex digits")
            }
            return .binary(bytes)
        default:
            throw ODataFilterError(offset: start, reason: "'\(prefix)' is not a literal type (datetime, guid, X, binary)")
        }
    }

    /// `42` (Int32), `42L` (Int64), `4.2`, `4e2`, `4.2d`, `4.2f`, `4.2m` (Double).
    private mutating func number(start: Int) throws(ODataFilterError) -> EdmValue {
        if scalars[index] == "-" { index += 1 }
        var isFloating = false
        while index < scalars.count {
            let scalar = scalars[index]
            if ("0"..."9").contains(scalar) {
                index += 1
            } else if scalar == "." {
                isFloating = true
                index += 1
            } else if scalar == "e" || scalar == "E" {
                isFloating = true
                index += 1
                if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" { index += 1 }
            } else {
                break
            }
        }
        let text = String(String.UnicodeScalarView(scalars[start..<index]))
        guard text.unicodeScalars.contains(where: { ("0"..."9").contains($0) }) else {
            throw ODataFilterError(offset: start, reason: "'\(text)' is not a number")
        }
        var suffix: Unicode.Scalar?
        if index < scalars.count, "LlDdFfMm".unicodeScalars.contains(scalars[index]) {
            suffix = scalars[index]
            index += 1
        }
        if index < scalars.count, Self.isNamePart(scalars[index]) {
            throw ODataFilterError(offset: start, reason: "'\(text)\(String(scalars[index]))…' is not a number")
        }
        switch suffix {
        case "L", "l":
            guard !isFloating, let long = Int64(text) else {
                throw ODataFilterError(offset: start, reason: "'\(text)L' is not a 64-bit integer")
            }
            return .int64(long)
        case nil where !isFloating:
            guard let int = Int32(text) else {
                throw ODataFilterError(offset: start, reason: "'\(text)' is out of the Int32 range; write \(text)L for an Int64")
            }
            return .int32(int)
        default:
            guard let double = Double(text) else { throw ODataFilterError(offset: start, reason: "'\(text)' is not a number") }
            return .double(double)
        }
    }

    static func isNameStart(_ scalar: Unicode.Scalar) -> Bool { scalar == "_" || scalar.properties.isAlphabetic }

    static func isNamePart(_ scalar: Unicode.Scalar) -> Bool {
        isNameStart(scalar) || scalar.properties.generalCategory == .decimalNumber
    }
}

/// Why a `$filter` was refused, and at which character.
struct ODataFilterError: Error, Sendable, CustomStringConvertible {
    var offset: Int
    var reason: String
    var description: String { "\(reason) (at character \(offset + 1))" }
}
