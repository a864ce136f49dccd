/// An absolute path as the kernel spells it. Linux names are bytes, not text: `bytes` is exact (use it to
/// open the file), `string` is the same path decoded as UTF-8 with invalid sequences replaced by U+FFFD
/// (use it to log and display). A name that is not valid UTF-8 is therefore never dropped or fatal.
package struct WatchPath: Sendable, Hashable, CustomStringConvertible {
    /// The exact bytes of the path, without a terminating NUL.
    package let bytes: [UInt8]
    /// The path decoded as UTF-8, invalid sequences repaired to U+FFFD.
    package let string: String

    /// A path from its raw bytes.
    package init(bytes: [UInt8]) {
        self.bytes = bytes
        self.string = String(decoding: bytes, as: UTF8.self)
    }

    /// A path from text (always valid UTF-8).
    package init(_ string: String) {
        self.bytes = Array(string.utf8)
        self.string = string
    }

    /// Whether `string` is exactly `bytes` (false when a name had to be repaired).
    package var isValidUTF8: Bool { Array(string.utf8) == bytes }

    /// The path as text.
    package var description: String { string }

    package static func == (lhs: WatchPath, rhs: WatchPath) -> Bool { lhs.bytes == rhs.bytes }
    package func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
}

/// Byte-path helpers shared by the watch tree and the engine.
enum PathBytes {
    /// `parent/name`.
    static func join(_ parent: [UInt8], _ name: [UInt8]) -> [UInt8] {
        var path = parent
        if path.last != UInt8(ascii: "/") { path.append(UInt8(ascii: "/")) }
        path.append(contentsOf: name)
        return path
    }

    /// Whether `path` is `ancestor` or lies below it.
    static func isWithin(_ path: [UInt8], _ ancestor: [UInt8]) -> Bool {
        guard path.count >= ancestor.count, path.starts(with: ancestor) else { return false }
        return path.count == ancestor.count || path[ancestor.count] == UInt8(ascii: "/")
            || ancestor.last == UInt8(ascii: "/")
    }

    /// `path` with its leading `from` replaced by `to` (the caller checked `isWithin`).
    static func rebase(_ path: [UInt8], from: [UInt8], to: [UInt8]) -> [UInt8] {
        to + path[from.count...]
    }

    /// Calls `body` with a NUL-terminated C string of the bytes.
    static func withCString<T>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (path + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }
}
