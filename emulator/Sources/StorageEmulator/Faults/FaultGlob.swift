/// Shell-style path patterns for fault rules: `*` matches any run of characters (slashes included, since blob
/// names contain them), `?` exactly one character; everything else matches itself.
struct FaultGlob: Sendable, Equatable {
    let pattern: [Character]

    init(_ text: String) { pattern = Array(text) }

    func matches(_ text: String) -> Bool {
        let subject = Array(text)
        var p = 0, s = 0
        var starP = -1, starS = 0
        // Greedy matching with backtracking to the last star: linear in practice, no recursion.
        while s < subject.count {
            if p < pattern.count && (pattern[p] == "?" || pattern[p] == subject[s]) {
                p += 1
                s += 1
            } else if p < pattern.count && pattern[p] == "*" {
                starP = p
                starS = s
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starS += 1
                s = starS
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
