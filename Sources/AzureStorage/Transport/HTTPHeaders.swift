/// Request or response headers in the order they were added, looked up case-insensitively.
/// Order matters only for readability of logs; Azure signs a canonical form.
package struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    package private(set) var fields: [(name: String, value: String)] = []

    package init() {}

    package init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name, value) }
    }

    /// Appends a field, even when one with the same name exists.
    package mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    /// Replaces every field with this name by one field.
    package mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name, value))
    }

    /// Drops every field with this name.
    package mutating func remove(_ name: String) {
        fields.removeAll { Self.sameName($0.name, name) }
    }

    /// The first value of a field, or nil.
    package subscript(_ name: String) -> String? {
        fields.first { Self.sameName($0.name, name) }?.value
    }

    /// Header names compared as HTTP does, ignoring ASCII case, without lowercasing copies of both (every
    /// lookup did, for every field it passed).
    package static func sameName(_ a: String, _ b: String) -> Bool {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                guard x.count == y.count else { return false }
                for index in 0..<x.count where x[index] != y[index] {
                    let lower = x[index] | 0x20
                    guard lower == y[index] | 0x20, lower >= UInt8(ascii: "a"), lower <= UInt8(ascii: "z") else {
                        return false
                    }
                }
                return true
            }
        }
    }

    package func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
}
