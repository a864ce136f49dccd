import Catalog
import Foundation

extension LibraryScanner {
    /// Brings one library's catalog up to date for the paths a watcher reported, without walking the
    /// whole tree: a file is ingested when its size, mtime or inode changed; a folder is walked; a
    /// path that no longer exists marks the files at or under it missing (which queues their deletes).
    /// `paths` are absolute and lie under `root`; `root` itself means the whole library.
    /// `progress` is called from worker threads after each file is recorded (the daemon wakes its sync
    /// engine there, so a master starts uploading while the rest of the batch is still being read).
    package func refresh(
        root: String, paths: [String], progress: @escaping @Sendable (JobProgress) -> Void = { _ in },
        queued: @escaping @Sendable () -> Void = {}
    ) throws -> ScanSummary {
        let start = MonotonicClock.seconds()
        let absoluteRoot = try Self.resolve(root)
        if paths.contains(where: { Self.relative($0, under: absoluteRoot, original: root) == "" }) {
            try finishDescriptions()  // a whole-library reconcile (the daemon's start) finishes a crash's leftovers
        }
        let library = try catalog.library(root: absoluteRoot)
        let known = try catalog.files(libraryId: library.id!)
        var summary = ScanSummary()
        var seen: [String: WalkedFile] = [:]
        var gonePrefixes: [String] = []
        var scopes: [String] = []
        var unread: [ScanFailure] = []
        var hidden: [String] = []  // …unless it lies under what could not be read: unknown, not gone
        var work = Self.outermost(Set(paths))
        while let path = work.popLast() {
            guard let relative = Self.relative(path, under: absoluteRoot, original: root) else { continue }
            scopes.append(relative)
            var info = stat()
            guard lstat(path, &info) == 0 else {
                let code = errno
                if code == ENOENT, path.contains("\u{FFFD}"), !relative.isEmpty {
                    // Likely a name that is not UTF-8, reported by the watcher in a repaired spelling
                    // that does not open: the walk of its folder names the real one as a problem.
                    let parent = (path as NSString).deletingLastPathComponent
                    if !work.contains(parent), !scopes.contains(Self.relative(parent, under: absoluteRoot, original: root) ?? "") {
                        work.append(parent)
                    }
                }
                if code == ENOENT { gonePrefixes.append(relative) } else {
                    unread.append(ScanFailure(path: path, code: "io", message: "stat: \(String(cString: strerror(code)))"))
                    hidden.append(relative)
                }
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                let walk = FolderWalker(
                    root: path, includeHidden: configuration.includeHidden, ignoredNames: configuration.ignoredNames
                ).walk()
                unread += walk.failures
                gonePrefixes.append(relative)  // what the walk does not find under it is gone…
                hidden += walk.unreadable.map { $0.isEmpty ? relative : relative.isEmpty ? $0 : relative + "/" + $0 }
                for var entry in walk.files {
                    entry.relativePath = relative.isEmpty ? entry.relativePath : relative + "/" + entry.relativePath
                    seen[entry.relativePath] = entry
                }
            case S_IFREG:
                let name = (path as NSString).lastPathComponent
                if configuration.ignoredNames.contains(where: { fnmatch($0, name, 0) == 0 }) { continue }
                seen[relative] = WalkedFile(relativePath: relative, absolutePath: path, info: info)
                gonePrefixes.append(relative)  // a folder turned into this file: what was under it is gone
            default:
                gonePrefixes.append(relative)  // a file replaced by a link or a device is no longer a photo
            }
        }
        summary.filesSeen = seen.count
        let (jobs, unchanged) = Self.partition(
            seen.values.sorted(by: { $0.relativePath < $1.relativePath }), known: known, library: library)
        summary.unchanged = unchanged.count
        try catalog.markSeen(fileIds: unchanged, at: Timestamp.now())
        let gone = known.values.filter { file in
            file.state == .present && seen[file.path] == nil
                && gonePrefixes.contains { RelativePath.covers($0, file.path) }
                && !hidden.contains { RelativePath.covers($0, file.path) }
        }.map(\.path)
        summary.missing = gone.count
        try catalog.markMissing(libraryId: library.id!, paths: gone)
        let results = runWorkers(jobs, progress: progress, queued: queued)
        Self.tally(results, into: &summary)
        summary.failures += unread
        unread += Self.readFailures(jobs: jobs, results: results)[library.id!] ?? []
        try catalog.replaceReadProblems(
            libraryId: library.id!, scopes: scopes, failures: Self.relative(unread, under: absoluteRoot, original: root))
        summary.seconds = MonotonicClock.seconds() - start
        return summary
    }


    /// The paths not under another one of the set: a folder's walk covers everything below it (a
    /// `chmod -R` reports every folder of a tree, and each would otherwise be walked again).
    static func outermost(_ paths: Set<String>) -> [String] {
        paths.filter { path in
            var parent = (path as NSString).deletingLastPathComponent
            while parent.count > 1 {
                if paths.contains(parent) { return false }
                parent = (parent as NSString).deletingLastPathComponent
            }
            return true
        }
    }

    /// `failures` with their paths relative to the library root (the catalog's spelling).
    static func relative(_ failures: [ScanFailure], under resolvedRoot: String, original: String) -> [ScanFailure] {
        failures.map { failure in
            var failure = failure
            failure.path = relative(failure.path, under: resolvedRoot, original: original) ?? failure.path
            return failure
        }
    }

    /// `path` relative to the library root ("" for the root), accepting paths spelled with the root
    /// as configured or as resolved (symlinked roots); nil for a path outside the library.
    static func relative(_ path: String, under resolvedRoot: String, original: String) -> String? {
        for root in [resolvedRoot, original] {
            let trimmed = root.hasSuffix("/") ? String(root.dropLast()) : root
            if path == trimmed { return "" }
            if path.hasPrefix(trimmed + "/") { return String(path.dropFirst(trimmed.count + 1)) }
        }
        return nil
    }
}
