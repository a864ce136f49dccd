/// The order Azure Storage sorts `x-ms-*` headers in when it canonicalizes a request for SharedKey.
///
/// It is not byte order: the service compares like .NET's culture-aware string comparison, which
/// ignores `-` and `'` on a first pass and ranks `_` before digits. Microsoft's SDKs reproduce it
/// with a two-level weight table; this is the same comparison (checked against the Python SDK's
/// ordering by the signing vectors).
enum HeaderOrdering {
    /// First-level weight of each ASCII character; 0 means "ignored at this level".
    private static let primary: [UInt16] = {
        var weights = [UInt16](repeating: 0, count: 128)
        let punctuation: [(Character, UInt16)] = [
            ("!", 0x71c), ("#", 0x71f), ("$", 0x721), ("%", 0x723), ("&", 0x725), ("*", 0x72d), ("+", 0x803),
            (".", 0x733), ("^", 0x743), ("_", 0x744), ("`", 0x748), ("|", 0x74c), ("~", 0x750),
        ]
        for (character, weight) in punctuation { weights[Int(character.asciiValue!)] = weight }
        let digits: [UInt16] = [0xd03, 0xd1a, 0xd1c, 0xd1e, 0xd20, 0xd22, 0xd24, 0xd26, 0xd28, 0xd2a]
        for (offset, weight) in digits.enumerated() { weights[48 + offset] = weight }
        let letters: [UInt16] = [
            0xe02, 0xe09, 0xe0a, 0xe1a, 0xe21, 0xe23, 0xe25, 0xe2c, 0xe32, 0xe35, 0xe36, 0xe48, 0xe51,
            0xe70, 0xe7c, 0xe7e, 0xe89, 0xe8a, 0xe91, 0xe99, 0xe9f, 0xea2, 0xea4, 0xea6, 0xea7, 0xea9,
        ]
        for (offset, weight) in letters.enumerated() {
            weights[65 + offset] = weight  // upper case
            weights[97 + offset] = weight  // lower case ranks the same
        }
        return weights
    }()

    /// Second-level weights: only the characters the first level ignored but that still break ties.
    private static let secondary: [UInt16] = {
        var weights = [UInt16](repeating: 0, count: 128)
        weights[Int(Character("'").asciiValue!)] = 0x8012
        weights[Int(Character("-").asciiValue!)] = 0x8212
        return weights
    }()

    private static let end: UInt16 = 1

    /// Negative when `lhs` sorts first, positive when `rhs` does, 0 when the service treats them as equal.
    static func compare(_ lhs: [UInt8], _ rhs: [UInt8]) -> Int {
        let levels = [primary, secondary]
        var level = 0
        var i = 0
        var j = 0
        func weight(_ bytes: [UInt8], _ index: Int) -> UInt16 {
            guard index < bytes.count else { return end }
            let byte = Int(bytes[index])
            return byte < 128 ? levels[level][byte] : 0
        }
        while level < levels.count {
            // On the last level, having skipped a different number of ignorable characters decides.
            if level == levels.count - 1, i != j { return i > j ? -1 : 1 }
            let left = weight(lhs, i)
            let right = weight(rhs, j)
            if left == end, right == end {
                i = 0
                j = 0
                level += 1
            } else if left == right {
                i += 1
                j += 1
            } else if left == 0 {
                i += 1
            } else if right == 0 {
                j += 1
            } else {
                return left < right ? -1 : 1
            }
        }
        return 0
    }

    /// Sorts lowercased header names the way the service does (stable for names it deems equal).
    static func sorted(_ names: [String]) -> [String] {
        let keyed = names.enumerated().map { (offset: $0.offset, name: $0.element, bytes: Array($0.element.utf8)) }
        return keyed.sorted { a, b in
            let order = compare(a.bytes, b.bytes)
            return order != 0 ? order < 0 : a.offset < b.offset
        }.map(\.name)
    }
}
