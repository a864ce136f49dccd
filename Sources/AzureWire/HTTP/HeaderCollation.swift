/// The order Azure Storage sorts `x-ms-` header names in when it builds a SharedKey string-to-sign.
///
/// It is not plain byte order: the service compares names with a two-level collation in which `-` (and
/// most other punctuation) is ignored at the first level and only breaks ties at the second, `_` sorts
/// before digits and digits before letters. So `x-ms-meta-ab` comes before `x-ms-meta-a-c`, and
/// `x-ms-meta-a_1` before `x-ms-meta-a1`. Microsoft's SDKs sort the same way; a request with such
/// metadata names only verifies if the emulator does too, and is only accepted if the client signs it in
/// that order (see the `headerOrder` vectors, taken from the Python SDK).
package enum HeaderCollation {
    /// True when `lhs` sorts before `rhs`. Both are lowercase ASCII header names.
    package static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        compare(Array(lhs.utf8), Array(rhs.utf8)) < 0
    }

    /// The first-level weights of a name with ignored characters dropped. Comparing two keys
    /// lexicographically is the first level of `compare`, so a sort can build each key once.
    package static func primaryKey(_ name: [UInt8]) -> [UInt16] {
        var key = [UInt16]()
        key.reserveCapacity(name.count)
        for byte in name {
            let weight = primaryWeights[Int(byte)]
            if weight != ignored { key.append(weight) }
        }
        return key
    }

    /// Sorts names (with their payload) in the service's order, building each first-level key once. Names the
    /// service deems equal keep their order.
    package static func sort<Payload>(
        _ items: [(name: [UInt8], value: Payload)]
    ) -> [(name: [UInt8], value: Payload)] {
        guard items.count > 1 else { return items }
        let keyed = items.enumerated().map { (key: primaryKey($0.element.name), offset: $0.offset, item: $0.element) }
        return keyed.sorted { lhs, rhs in
            if lhs.key != rhs.key { return lhs.key.lexicographicallyPrecedes(rhs.key) }
            let order = compareLevel(lhs.item.name, rhs.item.name, weight: secondaryWeight, tieBreakOnSkips: true)
            return order != 0 ? order < 0 : lhs.offset < rhs.offset
        }.map(\.item)
    }

    /// Sorts lowercased header names the way the service does.
    package static func sorted(_ names: [String]) -> [String] {
        sort(names.map { (name: Array($0.utf8), value: $0) }).map(\.value)
    }

    package static func compare(_ lhs: [UInt8], _ rhs: [UInt8]) -> Int {
        let first = compareLevel(lhs, rhs, weight: primaryWeight, tieBreakOnSkips: false)
        if first != 0 { return first }
        return compareLevel(lhs, rhs, weight: secondaryWeight, tieBreakOnSkips: true)
    }

    /// Walks both names, skipping characters that weigh nothing at this level. The end of a name weighs
    /// `end`, less than any character. At the tie-break level, the first skip on one side only decides:
    /// the side that skipped sorts first.
    private static func compareLevel(
        _ lhs: [UInt8], _ rhs: [UInt8], weight: (UInt8) -> UInt16, tieBreakOnSkips: Bool
    ) -> Int {
        var i = 0
        var j = 0
        while true {
            if tieBreakOnSkips && i != j { return i > j ? -1 : 1 }
            let left = i < lhs.count ? weight(lhs[i]) : end
            let right = j < rhs.count ? weight(rhs[j]) : end
            if left == end && right == end { return 0 }
            if left == right {
                i += 1
                j += 1
            } else if left == ignored {
                i += 1
            } else if right == ignored {
                j += 1
            } else {
                return left < right ? -1 : 1
            }
        }
    }

    private static let ignored: UInt16 = 0
    private static let end: UInt16 = 1

    /// First level: punctuation that counts, in the service's order, then digits, then letters (case-blind).
    /// Everything else (controls, space, `"'(),-/:;<=>?@[\]{}`) is ignored here.
    private static let primaryWeights: [UInt16] = {
        var weights = [UInt16](repeating: ignored, count: 256)
        var next: UInt16 = 2
        for symbol in "!#$%&*.^_`|~+".utf8 {
            weights[Int(symbol)] = next
            next += 1
        }
        for digit in UInt8(ascii: "0")...UInt8(ascii: "9") {
            weights[Int(digit)] = next
            next += 1
        }
        for letter in UInt8(ascii: "a")...UInt8(ascii: "z") {
            weights[Int(letter)] = next
            weights[Int(letter - 32)] = next
            next += 1
        }
        // Bytes outside ASCII cannot appear in a header name; give them a weight after everything else
        // so a malformed name still sorts deterministically.
        for byte in 128...255 { weights[byte] = next }
        return weights
    }()

    private static func primaryWeight(_ byte: UInt8) -> UInt16 { primaryWeights[Int(byte)] }

    /// Second level: only the apostrophe and the hyphen count, apostrophe first.
    private static func secondaryWeight(_ byte: UInt8) -> UInt16 {
        switch byte {
        case UInt8(ascii: "'"): 2
        case UInt8(ascii: "-"): 3
        default: ignored
        }
    }
}
