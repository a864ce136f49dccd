import Glibc

/// One entry of a directory, by exact name bytes.
struct DirectoryEntry {
    enum Kind { case directory, file, other }
    var name: [UInt8]
    var kind: Kind
}

/// Lists a directory with `opendir`/`lstat` on raw bytes: symbolic links are not followed, names that are
/// not UTF-8 are kept exactly. A directory that cannot be opened (gone, no permission) lists as nil.
enum DirectoryListing {
    static func entries(of directory: [UInt8]) -> [DirectoryEntry]? {
        guard let handle = PathBytes.withCString(directory, { opendir($0) }) else { return nil }
        defer { closedir(handle) }
        var entries: [DirectoryEntry] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            entries.append(DirectoryEntry(name: name, kind: kind(of: PathBytes.join(directory, name))))
        }
        return entries
    }

    /// What a path is, following a final symbolic link only if asked (roots may be links; nothing below).
    static func kind(of path: [UInt8], followingLink: Bool = false) -> DirectoryEntry.Kind {
        var info = stat()
        let status = PathBytes.withCString(path) { followingLink ? stat($0, &info) : lstat($0, &info) }
        guard status == 0 else { return .other }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file
        default: return .other
        }
    }
}
