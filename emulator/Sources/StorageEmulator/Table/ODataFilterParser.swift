/// Parses `$filter` text into an `ODataFilter`, with OData's precedence: `or` binds loosest, then
/// `and`, then `not`, then the comparison operators. Keywords are matched case-insensitively.
///
/// The parser recurses once per `(` and `not`, so it refuses nesting deeper than `ODataFilter.maximumNesting`
/// and more comparisons than `ODataFilter.maximumComparisons` as soon as it meets them: a hostile filter of
/// thousands of parentheses or terms would otherwise overflow the stack, here or in the recursive evaluation
/// and release of the tree it built. Both limits bound the tree, so nothing after the parser recurses deeply.
struct ODataFilterParser {
    private let tokens: [ODataLexer.Located]
    private var position = 0
    /// How many `(` and `not` enclose the current token.
    private var depth = 0
    /// Comparisons and bare conditions parsed so far.
    private var comparisons = 0

    private init(tokens: [ODataLexer.Located]) { self.tokens = tokens }

    /// Parses a whole filter; anything malformed throws an `ODataFilterError` saying what and where.
    static func parse(_ text: String) throws(ODataFilterError) -> ODataFilter {
        var parser = ODataFilterParser(tokens: try ODataLexer.tokens(text))
        guard parser.current.token != .end else { throw ODataFilterError(offset: 0, reason: "the filter is empty") }
        let filter = try parser.orExpression()
        guard parser.current.token == .end else {
            throw ODataFilterError(offset: parser.current.offset, reason: "unexpected \(parser.describe(parser.current.token)); expected 'and', 'or' or the end")
        }
        return filter
    }

    /// Enters a `(` or `not`; past `maximumNesting` the filter is refused at that token.
    private mutating func descend() throws(ODataFilterError) {
        depth += 1
        guard depth <= ODataFilter.maximumNesting else {
            throw ODataFilterError(
                offset: current.offset,
                reason: "the filter nests parentheses and 'not' more than \(ODataFilter.maximumNesting) deep")
        }
    }

    /// Counts one comparison or bare condition; past `maximumComparisons` the filter is refused there.
    private mutating func countComparison(at offset: Int) throws(ODataFilterError) {
        comparisons += 1
        guard comparisons <= ODataFilter.maximumComparisons else {
            throw ODataFilterError(
                offset: offset,
                reason: "the filter has more than \(ODataFilter.maximumComparisons) comparisons; Azure allows at most "
                    + "\(ODataFilter.maximumComparisons)")
        }
    }

    private var current: ODataLexer.Located { tokens[position] }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private func isKeyword(_ keyword: String) -> Bool {
        if case .word(let word) = current.token { return word.lowercased() == keyword }
        return false
    }

    private mutating func orExpression() throws(ODataFilterError) -> ODataFilter {
        var left = try andExpression()
        while isKeyword("or") {
            advance()
            left = .or(left, try andExpression())
        }
        return left
    }

    private mutating func andExpression() throws(ODataFilterError) -> ODataFilter {
        var left = try unary()
        while isKeyword("and") {
            advance()
            left = .and(left, try unary())
        }
        return left
    }

    private mutating func unary() throws(ODataFilterError) -> ODataFilter {
        if isKeyword("not") {
            try descend()
            advance()
            let inner = try unary()
            depth -= 1
            return .not(inner)
        }
        return try comparison()
    }

    private mutating func comparison() throws(ODataFilterError) -> ODataFilter {
        let start = current
        let left: ODataOperand
        if start.token == .openParen {
            try descend()
            advance()
            let inner = try orExpression()
            guard current.token == .closeParen else {
                throw ODataFilterError(offset: current.offset, reason: "expected ')' to close the '(' at character \(start.offset + 1), found \(describe(current.token))")
            }
            advance()
            depth -= 1
            // `(Age) eq 5` parenthesizes an operand (already counted as a condition); anything else in
            // parentheses is a whole condition.
            guard case .condition(let operand) = inner, comparisonOperator() != nil else { return inner }
            left = operand
        } else {
            left = try operand()
            try countComparison(at: start.offset)
        }
        guard let op = comparisonOperator() else {
            guard case .word(let word) = current.token, !["and", "or", "not"].contains(word.lowercased()) else {
                return .condition(left)
            }
            throw ODataFilterError(
                offset: current.offset, reason: "'\(word)' is not an operator; use eq, ne, gt, ge, lt, le, and, or, not")
        }
        advance()
        let right = try operand()
        return .comparison(left, op, right)
    }

    private func comparisonOperator() -> ComparisonOperator? {
        guard case .word(let word) = current.token else { return nil }
        return ComparisonOperator(rawValue: word.lowercased())
    }

    private mutating func operand() throws(ODataFilterError) -> ODataOperand {
        let token = current
        switch token.token {
        case .literal(let value):
            advance()
            return .literal(value)
        case .word(let word):
            let lowered = word.lowercased()
            if lowered == "true" || lowered == "false" {
                advance()
                return .literal(.boolean(lowered == "true"))
            }
            if ComparisonOperator(rawValue: lowered) != nil || ["and", "or", "not"].contains(lowered) {
                throw ODataFilterError(offset: token.offset, reason: "expected a property name or a value before '\(word)'")
            }
            advance()
            if current.token == .openParen {
                throw ODataFilterError(offset: token.offset, reason: "functions such as \(word)() are not supported by Azure Tables")
            }
            return .property(word)
        case .openParen:
            try descend()
            advance()
            let inner = try operand()
            guard current.token == .closeParen else {
                throw ODataFilterError(offset: current.offset, reason: "expected ')' after the value, found \(describe(current.token))")
            }
            advance()
            depth -= 1
            return inner
        case .closeParen, .end:
            throw ODataFilterError(offset: token.offset, reason: "expected a property name or a value, found \(describe(token.token))")
        }
    }

    private func describe(_ token: ODataLexer.Token) -> String {
        switch token {
        case .openParen: "'('"
        case .closeParen: "')'"
        case .word(let word): "'\(word)'"
        case .literal: "a value"
        case .end: "the end of the filter"
        }
    }
}
