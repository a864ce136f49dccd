/// A parsed search: free words for the full-text index and facets that filter on typed columns.
///
/// Syntax: words (prefix-matched), `"quoted phrases"`, `-word` to exclude, and facets
/// `camera:fuji`, `lens:35mm`, `taken:2019`, `taken:2019-07..2019-08`, `type:raw`, `has:gps`,
/// `folder:2019/rome`, `library:photos`, `dup:exact`, `dup:near`, `rating:4`, `is:damaged`, `tag:rome`.
package struct SearchQuery: Sendable, Equatable {
    /// A facet filter.
    package enum Facet: Sendable, Equatable {
        case camera(String)
        case lens(String)
        /// Half-open range of camera-local date-times `[from, to)`, as `YYYY-MM-DD…` strings.
        case taken(from: String, to: String)
        case type(String)
        case has(String)
        case folder(String)
        case library(String)
        case duplicateExact
        case duplicateNear
        case rating(atLeast: Int)
        case damaged
        /// A tag set in the gallery (whole tag, any case).
        case tag(String)
    }

    /// Words and phrases that must all match (prefix match for words).
    package var terms: [String] = []
    /// Words and phrases that must not match.
    package var excluded: [String] = []
    /// Facet filters, all of which must hold.
    package var facets: [Facet] = []

    /// The facet names understood, for help texts and error messages.
    package static let facetNames = [
        "camera", "lens", "taken", "type", "has", "folder", "library", "dup", "rating", "is", "tag",
    ]

    /// Parses `text`; throws `CatalogError.badQuery` naming the part it could not understand.
    package init(_ text: String) throws {
        for token in Self.tokens(text) {
            if token.quoted {
                add(token)
                continue
            }
            if let colon = token.text.firstIndex(of: ":"), colon != token.text.startIndex {
                let key = token.text[..<colon].lowercased()
                let value = String(token.text[token.text.index(after: colon)...])
                if Self.facetNames.contains(key) {
                    facets.append(try Self.facet(key, value, token: token.text))
                    continue
                }
            }
            add(token)
        }
    }

    private mutating func add(_ token: Token) {
        if token.negated { excluded.append(token.text) } else { terms.append(token.text) }
    }

    private static func facet(_ key: String, _ value: String, token: String) throws -> Facet {
        let lowered = value.lowercased()
        guard !value.isEmpty else { throw CatalogError(.badQuery, token, detail: "\(key): needs a value") }
        switch key {
        case "camera": return .camera(value)
        case "lens": return .lens(value)
        case "type": return .type(lowered)
        case "folder": return .folder(value)
        case "library": return .library(value)
        case "tag": return .tag(value)
        case "has":
            let known = ["gps", "keywords", "title", "caption", "previews", "errors", "rating"]
            guard known.contains(lowered) else {
                throw CatalogError(.badQuery, token, detail: "has: takes one of \(known.joined(separator: ", "))")
            }
            return .has(lowered)
        case "dup":
            switch lowered {
            case "exact": return .duplicateExact
            case "near": return .duplicateNear
            default: throw CatalogError(.badQuery, token, detail: "dup: takes exact or near")
            }
        case "rating":
            guard let stars = Int(value.trimmingPrefix(">=")), (-1...5).contains(stars) else {
                throw CatalogError(.badQuery, token, detail: "rating: takes -1...5")
            }
            return .rating(atLeast: stars)
        case "is":
            guard lowered == "damaged" else { throw CatalogError(.badQuery, token, detail: "is: takes damaged") }
            return .damaged
        default:  // taken
            let parts = value.components(separatedBy: "..")
            guard parts.count <= 2, let from = DateBound(parts[0]), let to = DateBound(parts.last!) else {
                throw CatalogError(
                    .badQuery, token, detail: "taken: takes YYYY, YYYY-MM or YYYY-MM-DD, or a range A..B")
            }
            return .taken(from: from.start, to: to.end)
        }
    }

    private struct Token {
        var text: String
        var quoted: Bool
        var negated: Bool
    }

    private static func tokens(_ text: String) -> [Token] {
        var result: [Token] = []
        var index = text.startIndex
        while index < text.endIndex {
            if text[index].isWhitespace {
                index = text.index(after: index)
                continue
            }
            var negated = false
            if text[index] == "-", text.index(after: index) < text.endIndex,
                !text[text.index(after: index)].isWhitespace
            {
                negated = true
                index = text.index(after: index)
            }
            if text[index] == "\"" {
                let start = text.index(after: index)
                let end = text[start...].firstIndex(of: "\"") ?? text.endIndex
                let phrase = String(text[start..<end])
                if !phrase.trimmingPrefix(" ").isEmpty {
                    result.append(Token(text: phrase, quoted: true, negated: negated))
                }
                index = end < text.endIndex ? text.index(after: end) : end
                continue
            }
            // `camera:"FUJIFILM X-T3"`: a facet's quoted value may hold spaces (the gallery's facet links).
            if let colon = text[index...].prefix(while: { !$0.isWhitespace }).firstIndex(of: ":"),
                text.index(after: colon) < text.endIndex, text[text.index(after: colon)] == "\""
            {
                let start = text.index(colon, offsetBy: 2)
                let close = text[start...].firstIndex(of: "\"") ?? text.endIndex
                let value = text[start..<close]
                result.append(
                    Token(text: String(text[index...colon]) + value, quoted: false, negated: negated))
                index = close < text.endIndex ? text.index(after: close) : close
                continue
            }
            let end = text[index...].firstIndex(where: \.isWhitespace) ?? text.endIndex
            result.append(Token(text: String(text[index..<end]), quoted: false, negated: negated))
            index = end
        }
        return result
    }
}

/// `2019`, `2019-07`, `2019-07-14` as the start of that period and the start of the next.
struct DateBound {
    var start: String
    var end: String

    init?(_ text: String) {
        let parts = text.split(separator: "-").map { Int($0) }
        guard (1...3).contains(parts.count), parts.allSatisfy({ $0 != nil }) else { return nil }
        let numbers = parts.map { $0! }
        let year = numbers[0]
        guard (1800...9999).contains(year) else { return nil }
        func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        switch numbers.count {
        case 1:
            start = "\(year)"
            end = "\(year + 1)"
        case 2:
            let month = numbers[1]
            guard (1...12).contains(month) else { return nil }
            start = "\(year)-\(pad(month))"
            end = month == 12 ? "\(year + 1)-01" : "\(year)-\(pad(month + 1))"
        default:
            let month = numbers[1]
            let day = numbers[2]
            guard (1...12).contains(month), (1...31).contains(day) else { return nil }
            start = "\(year)-\(pad(month))-\(pad(day))"
            // String order: the day's own timestamps all sort before `…DD` followed by `U`.
            end = "\(start)U"
        }
    }
}
