import Glibc

/// Decides which names the watcher ignores: the configured globs, and hidden names unless included.
struct NameFilter: Sendable {
    var patterns: [String]
    var includeHidden: Bool

    /// Whether a file or directory called `name` (raw bytes, no slash) produces no events.
    func ignores(_ name: [UInt8]) -> Bool {
        if name.isEmpty { return false }
        if !includeHidden && name.first == UInt8(ascii: ".") { return true }
        return PathBytes.withCString(name) { cName in
            patterns.contains { fnmatch($0, cName, 0) == 0 }
        }
    }
}
