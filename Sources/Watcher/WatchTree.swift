/// Which watch descriptor watches which directory, both ways. Renames rewrite paths by prefix, since the
/// kernel keeps a moved directory's watches (they follow the inode, not the name).
struct WatchTree {
    private(set) var pathByWatch: [Int32: [UInt8]] = [:]
    private(set) var watchByPath: [[UInt8]: Int32] = [:]

    var count: Int { pathByWatch.count }

    func path(of wd: Int32) -> [UInt8]? { pathByWatch[wd] }
    func watch(of path: [UInt8]) -> Int32? { watchByPath[path] }

    /// Records a watch; a descriptor seen again under another path (a rename we missed) moves there.
    mutating func insert(_ wd: Int32, _ path: [UInt8]) {
        if let old = pathByWatch[wd], old != path { watchByPath[old] = nil }
        if let oldWatch = watchByPath[path], oldWatch != wd { pathByWatch[oldWatch] = nil }
        pathByWatch[wd] = path
        watchByPath[path] = wd
    }

    /// Forgets one watch (the kernel dropped it: `IN_IGNORED`).
    mutating func forget(_ wd: Int32) {
        guard let path = pathByWatch.removeValue(forKey: wd) else { return }
        if watchByPath[path] == wd { watchByPath[path] = nil }
    }

    /// Forgets every watch at or below `path` and returns their descriptors (to remove from the kernel).
    mutating func removeSubtree(_ path: [UInt8]) -> [Int32] {
        let doomed = pathByWatch.filter { PathBytes.isWithin($0.value, path) }
        for (wd, _) in doomed { forget(wd) }
        return Array(doomed.keys)
    }

    /// Rewrites every path at or below `from` to lie below `to`.
    mutating func rename(from: [UInt8], to: [UInt8]) {
        let moving = pathByWatch.filter { PathBytes.isWithin($0.value, from) }
        for (wd, _) in moving { forget(wd) }
        for (wd, path) in moving { insert(wd, PathBytes.rebase(path, from: from, to: to)) }
    }
}
