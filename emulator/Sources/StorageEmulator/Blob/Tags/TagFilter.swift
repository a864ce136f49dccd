import Foundation

/// A blob index tag expression, as Find Blobs by Tags (`where=`) and conditional requests (`x-ms-if-tags`) take it:
/// comparisons `"key" op 'value'` (string order) joined by `AND`.
///
/// Azure's grammar ("Find Blobs by Tags", remarks; "Conditional headers for blob index tags"): keys in double
/// quotes (a key of letters, digits and `_` may go bare), values in single quotes; `=`, `>`, `>=`, `<`, `<=`; at
/// most 10 distinct keys; `@container = 'name'` narrows an account-wide search. `x-ms-if-tags` also takes `<>`,
/// `OR` and parentheses. A malformed `where` is 400 `InvalidQueryParameterValue`; a malformed `x-ms-if-tags`
/// 400 `InvalidHeaderValue` (as Azure answers, and Azurite copies).
struct TagFilter: Sendable {
    enum Mode: Sendable {
        /// `where=` of Find Blobs by Tags; `accountWide` admits `@container`.
        case find(accountWide: Bool)
        /// `x-ms-if-tags`.
        case condition
    }

    enum Operator: String, Sendable {
        case equal = "=", notEqual = "<>", greater = ">", greaterOrEqual = ">=", less = "<", lessOrEqual = "<="

        func holds(_ lhs: String, _ rhs: String) -> Bool {
            // Tags compare as strings, by their UTF-8 bytes.
            let l = Array(lhs.utf8), r = Array(rhs.utf8)
            switch self {
            case .equal: return l == r
            case .notEqual: return l != r
            case .greater: return l.lexicographicallyPrecedes(r) == false && l != r
            case .greaterOrEqual: return !l.lexicographicallyPrecedes(r)
            case .less: return l.lexicographicallyPrecedes(r)
            case .lessOrEqual: return l.lexicographicallyPrecedes(r) || l == r
            }
        }
    }

    indirect enum Expression: Sendable {
        case comparison(key: String, Operator, value: String)
        case and(Expression, Expression)
        case or(Expression, Expression)
    }

    static let maximumKeys = 10
    /// Parentheses nest at most this deep, so a hostile header cannot exhaust the parser's stack (as `$filter`).
    static let maximumNesting = 64

    let text: String
    let expression: Expression
    /// `@container = '…'` of an account-wide search.
    private(set) var container: String?

    init(_ text: String, mode: Mode) throws {
        self.text = text
        var parser = Parser(text: text, mode: mode)
        expression = try parser.parseAll()
        container = parser.container
    }

    /// Whether a blob with these tags (in this container) satisfies the expression; a missing key satisfies nothing.
    func matches(_ tags: BlobTags, container name: String? = nil) -> Bool {
        if let container, let name, container != name { return false }
        return Self.evaluate(expression, tags)
    }

    /// The keys the expression names, which are the tags Find Blobs by Tags returns for each blob.
    var keys: Set<String> { Self.keys(expression) }

    private static func evaluate(_ expression: Expression, _ tags: BlobTags) -> Bool {
        switch expression {
        case .comparison(let key, let op, let value):
            if key == "@container" { return true }
            guard let actual = tags.value(key) else { return false }
            return op.holds(actual, value)
        case .and(let a, let b): return evaluate(a, tags) && evaluate(b, tags)
        case .or(let a, let b): return evaluate(a, tags) || evaluate(b, tags)
        }
    }

    private static func keys(_ expression: Expression) -> Set<String> {
        switch expression {
        case .comparison(let key, _, _): key == "@container" ? [] : [key]
        case .and(let a, let b), .or(let a, let b): keys(a).union(keys(b))
        }
    }

    /// A recursive-descent parser over the expression's characters.
    private struct Parser {
        let characters: [Character]
        let text: String
        let mode: Mode
        var position = 0
        var depth = 0
        var container: String?

        init(text: String, mode: Mode) {
            self.text = text
            self.mode = mode
            characters = Array(text)
        }

        var isCondition: Bool { if case .condition = mode { true } else { false } }

        mutating func parseAll() throws -> Expression {
            let expression = try parseOr()
            skipSpaces()
            guard position == characters.count else { throw failure("unexpected '\(characters[position])'") }
            let keys = TagFilter.keys(expression)
            guard keys.count <= TagFilter.maximumKeys else {
                throw failure("there can be at most \(TagFilter.maximumKeys) unique tags in a query")
            }
            return expression
        }

        mutating func parseOr() throws -> Expression {
            var left = try parseAnd()
            while isCondition, keyword("OR") { left = .or(left, try parseAnd()) }
            return left
        }

        mutating func parseAnd() throws -> Expression {
            var left = try parseTerm()
            while keyword("AND") { left = .and(left, try parseTerm()) }
            return left
        }

        mutating func parseTerm() throws -> Expression {
            skipSpaces()
            if isCondition, peek() == "(" {
                position += 1
                depth += 1
                defer { depth -= 1 }
                guard depth <= TagFilter.maximumNesting else {
                    throw failure("parentheses nest deeper than \(TagFilter.maximumNesting)")
                }
                let inner = try parseOr()
                skipSpaces()
                guard peek() == ")" else { throw failure("expected ')'") }
                position += 1
                return inner
            }
            let key = try parseKey()
            skipSpaces()
            let op = try parseOperator()
            skipSpaces()
            let value = try parseValue()
            if key == "@container" {
                guard case .find(accountWide: true) = mode, op == .equal else {
                    throw failure("@container may only be compared with '=' in an account-wide search")
                }
                container = value
            } else if op == .notEqual, !isCondition {
                throw failure("'<>' is not supported in a search")
            }
            return .comparison(key: key, op, value: value)
        }

        mutating func parseKey() throws -> String {
            if peek() == "\"" { return try quoted("\"") }
            let start = position
            if peek() == "@" { position += 1 }
            while let c = peek(), c.isLetter || c.isNumber || c == "_" { position += 1 }
            guard position > start else { throw failure("expected a tag name") }
            return String(characters[start..<position])
        }

        mutating func parseOperator() throws -> Operator {
            for op in [Operator.greaterOrEqual, .lessOrEqual, .notEqual, .equal, .greater, .less] {
                let symbol = Array(op.rawValue)
                if position + symbol.count <= characters.count, Array(characters[position..<position + symbol.count]) == symbol {
                    position += symbol.count
                    return op
                }
            }
            throw failure("expected an operator")
        }

        mutating func parseValue() throws -> String {
            guard peek() == "'" else { throw failure("expected a value in single quotes") }
            return try quoted("'")
        }

        mutating func quoted(_ quote: Character) throws -> String {
            position += 1
            let start = position
            while let c = peek(), c != quote { position += 1 }
            guard peek() == quote else { throw failure("unterminated \(quote)") }
            let value = String(characters[start..<position])
            position += 1
            return value
        }

        mutating func keyword(_ word: String) -> Bool {
            skipSpaces()
            let letters = Array(word)
            guard position + letters.count <= characters.count,
                String(characters[position..<position + letters.count]).uppercased() == word
            else { return false }
            let after = position + letters.count
            guard after < characters.count, characters[after] == " " || characters[after] == "(" || characters[after] == "\"" else {
                return false
            }
            position = after
            return true
        }

        mutating func skipSpaces() {
            while let c = peek(), c == " " || c == "\t" { position += 1 }
        }

        func peek() -> Character? { position < characters.count ? characters[position] : nil }

        func failure(_ reason: String) -> StorageError {
            let message = "Error parsing query at or near character position \(position + 1): \(reason)"
            switch mode {
            case .find: return StorageError.invalidQueryParameter("where", text, message)
            case .condition: return StorageError.invalidHeader("x-ms-if-tags", text, message)
            }
        }
    }
}
