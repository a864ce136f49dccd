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

    /// What a path is, without following a final symbolic link.
    static func kind(of path: [UInt8]) -> DirectoryEntry.Kind {
        var info = stat()
        guard PathBytes.withCString(path, { lstat($0, &info) }) == 0 else { return .other }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file
        default: return .other
        }
    }
}
