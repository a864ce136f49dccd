import Glibc
import Logging

extension WatchEngine {
    /// Watches `top` and every directory below it. With `reportFilesAt`, the files found settle then (a
    /// directory created or moved in: files written before its watch existed must not be missed); without,
    /// they are left to the daemon's reconcile scan. Returns the directories visited.
    @discardableResult
    func watchTree(_ top: [UInt8], reportFilesAt deadline: ContinuousClock.Instant?) -> Set<[UInt8]> {
        var visited: Set<[UInt8]> = []
        var stack = [top]
        while let directory = stack.popLast() {
            guard visited.insert(directory).inserted else { continue }
            // Watch first, then list: whatever appears after the watch is an event, before it is listed.
            addWatch(directory)
            guard let entries = DirectoryListing.entries(of: directory) else { continue }
            for entry in entries where !filter.ignores(entry.name) {
                let path = PathBytes.join(directory, entry.name)
                switch entry.kind {
                case .directory: stack.append(path)
                case .file: if let deadline, !pending.contains(path) { pending.markSettling(path, at: deadline) }
                case .other: continue
                }
            }
        }
        return visited
    }

    /// Adds one directory's watch, or records it as unwatched when the limit is reached.
    func addWatch(_ directory: [UInt8]) {
        if tree.watch(of: directory) != nil { return }
        if let cap = configuration.maxWatches, tree.count >= cap {
            return recordUnwatched(directory, reason: "the configured maxWatches (\(cap)) is reached")
        }
        switch inotify.addWatch(directory, followLink: roots.contains(directory)) {
        case .success(let wd):
            tree.insert(wd, directory)
            unwatched.remove(directory)
        case .failure(let error) where error.code == ENOSPC:
            recordUnwatched(directory, reason: "the kernel's fs.inotify.max_user_watches is reached")
        case .failure(let error):
            // Gone already (its deletion is an event of its own) or unreadable: nothing to watch.
            logger.debug(
                "cannot watch directory",
                metadata: ["path": "\(WatchPath(bytes: directory))", "error": "\(error.text)"])
        }
    }

    private func recordUnwatched(_ directory: [UInt8], reason: String) {
        let firstOfEpisode = unwatched.isEmpty
        guard unwatched.insert(directory).inserted else { return }
        // One warning when the limit is first hit; the periodic rescan says how many remain.
        logger.log(
            level: firstOfEpisode ? .warning : .debug,
            "cannot watch directory: \(reason); what cannot be watched is rescanned periodically instead",
            metadata: [
                "path": "\(WatchPath(bytes: directory))",
                "interval": "\(configuration.unwatchedRescanInterval)",
            ])
        if nextUnwatchedRescan == nil { nextUnwatchedRescan = .now + configuration.unwatchedRescanInterval }
    }

    /// Retries the watches that failed and asks for a rescan of each (only the topmost of nested ones).
    func rescanUnwatched(now: ContinuousClock.Instant) {
        // Gone since: its removal was an event of its parent's, or is covered by an ancestor's rescan.
        unwatched = unwatched.filter {
            DirectoryListing.kind(of: $0, followingLink: roots.contains($0)) == .directory
        }
        let due = unwatched.sorted { $0.count < $1.count }
        for directory in due { watchTree(directory, reportFilesAt: nil) }
        var reported: [[UInt8]] = []
        for directory in due where !reported.contains(where: { PathBytes.isWithin(directory, $0) }) {
            reported.append(directory)
            emit(.rescan(WatchPath(bytes: directory), reason: .unwatched))
        }
        if !unwatched.isEmpty {
            logger.warning(
                "directories still cannot be watched; asking for their rescan",
                metadata: ["directories": "\(unwatched.count)", "rescanned": "\(reported.count)"])
        }
        nextUnwatchedRescan = unwatched.isEmpty ? nil : now + configuration.unwatchedRescanInterval
    }

    /// The kernel dropped events: say so once, re-watch directories created meanwhile, forget those gone,
    /// and ask for a rescan of every root.
    func handleOverflow() {
        logger.warning(
            "inotify event queue overflowed (raise fs.inotify.max_queued_events); events were lost, rescanning every root",
            metadata: ["roots": "\(roots.map { WatchPath(bytes: $0).string })"])
        pending.removeWriting()
        var visited: Set<[UInt8]> = []
        for root in roots { visited.formUnion(watchTree(root, reportFilesAt: nil)) }
        for (wd, path) in tree.pathByWatch where !visited.contains(path) {
            tree.forget(wd)
            inotify.removeWatch(wd)
        }
        for root in roots { emit(.rescan(WatchPath(bytes: root), reason: .queueOverflow)) }
    }
}
