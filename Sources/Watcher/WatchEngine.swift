import Logging

/// Turns raw inotify events into `WatchEvent`s: keeps the watch tree in step with the directories,
/// settles files, pairs moves, and handles overflow and the watch limit. Confined to the watcher's thread.
final class WatchEngine {
    let roots: [[UInt8]]
    let configuration: WatcherConfiguration
    let filter: NameFilter
    let inotify: InotifyInstance
    let logger: Logger
    let emit: (WatchEvent) -> Void

    var tree = WatchTree()
    var pending = PendingFiles()
    var moves = PendingMoves()
    /// Directories the kernel (or `maxWatches`) refused a watch: reported for rescan periodically.
    var unwatched: Set<[UInt8]> = []
    var nextUnwatchedRescan: ContinuousClock.Instant?

    init(
        roots: [[UInt8]], configuration: WatcherConfiguration, inotify: InotifyInstance, logger: Logger,
        emit: @escaping (WatchEvent) -> Void
    ) {
        self.roots = roots
        self.configuration = configuration
        self.filter = NameFilter(patterns: configuration.ignoredNames, includeHidden: configuration.includeHidden)
        self.inotify = inotify
        self.logger = logger
        self.emit = emit
    }

    // MARK: Events

    /// Handles one event from the kernel (or a test).
    func handle(_ event: RawInotifyEvent, now: ContinuousClock.Instant) {
        if event.mask & InotifyMask.overflow != 0 { return handleOverflow() }
        guard let directory = tree.path(of: event.wd) else { return }  // a watch already forgotten
        if event.mask & InotifyMask.ignored != 0 { return tree.forget(event.wd) }
        if event.name.isEmpty {
            // About the watched directory itself; its parent's events describe it, except for a root.
            if event.mask & (InotifyMask.deleteSelf | InotifyMask.moveSelf) != 0 && roots.contains(directory) {
                logger.warning(
                    "a watched root was deleted or moved away; nothing more is watched there",
                    metadata: ["root": "\(WatchPath(bytes: directory))"])
                removed(directory, isDirectory: true)
            }
            return
        }
        let path = PathBytes.join(directory, event.name)
        let isDirectory = event.mask & InotifyMask.isDirectory != 0
        let ignored = filter.ignores(event.name)

        if event.mask & InotifyMask.movedFrom != 0 {
            moves.departed(
                event.cookie, PendingMoves.Move(path: path, isDirectory: isDirectory, ignored: ignored),
                deadline: now + configuration.movePairingWindow)
            return
        }
        if event.mask & InotifyMask.movedTo != 0 {
            if let from = moves.arrived(event.cookie) {
                return pairMove(from, to: path, ignored: ignored, now: now)
            }
            if !ignored { arrived(path, isDirectory: isDirectory, now: now) }
            return
        }
        if ignored { return }
        if event.mask & InotifyMask.create != 0 && isDirectory {
            arrived(path, isDirectory: true, now: now)
        } else if event.mask & InotifyMask.modify != 0 && !isDirectory {
            pending.markWriting(path)
        } else if event.mask & InotifyMask.closeWrite != 0 && !isDirectory {
            pending.markSettling(path, at: now + configuration.settleDelay)
        } else if event.mask & InotifyMask.delete != 0 {
            removed(path, isDirectory: isDirectory, wasEmpty: true)
        } else if event.mask & InotifyMask.attrib != 0 {
            permissionsMayHaveChanged(path, isDirectory: isDirectory, now: now)
        }
    }

    /// `IN_ATTRIB`: mode, owner, times or links changed. A directory is watched (if it could not be
    /// before) and rescanned; a file not already in flight settles again, so one that could not be
    /// read is read now (the daemon's refresh skips it when size, mtime and inode are unchanged).
    private func permissionsMayHaveChanged(_ path: [UInt8], isDirectory: Bool, now: ContinuousClock.Instant) {
        if isDirectory {
            if tree.watch(of: path) == nil { watchTree(path, reportFilesAt: nil) }  // it could not be watched
            emit(.rescan(WatchPath(bytes: path), reason: .permissionsChanged))
        } else if !pending.contains(path) {
            pending.markSettling(path, at: now + configuration.settleDelay)
        }
    }

    /// Something new appeared: a file settles after the delay; a directory is watched and its files settle.
    private func arrived(_ path: [UInt8], isDirectory: Bool, now: ContinuousClock.Instant) {
        if isDirectory {
            watchTree(path, reportFilesAt: now + configuration.settleDelay)
        } else {
            pending.markSettling(path, at: now + configuration.settleDelay)
        }
    }

    /// Something left the watched trees.
    /// `wasEmpty`: a directory deleted (`rmdir` needs it empty, so `rm -r` removed what was below first,
    /// each with its own event), which spares a search of the whole tree per directory of a large delete.
    private func removed(_ path: [UInt8], isDirectory: Bool, wasEmpty: Bool = false) {
        if isDirectory && wasEmpty {
            if let wd = tree.watch(of: path) {
                tree.forget(wd)
                inotify.removeWatch(wd)
            }
            unwatched.remove(path)
        } else if isDirectory {
            for wd in tree.removeSubtree(path) { inotify.removeWatch(wd) }
            pending.removeSubtree(path)
            unwatched = unwatched.filter { !PathBytes.isWithin($0, path) }
        } else {
            pending.remove(path)
        }
        emit(.removed(WatchPath(bytes: path), isDirectory: isDirectory))
    }

    /// Both halves of a move were seen. An ignored name on one side makes it an arrival or a removal.
    private func pairMove(_ from: PendingMoves.Move, to: [UInt8], ignored: Bool, now: ContinuousClock.Instant) {
        switch (from.ignored, ignored) {
        case (true, true): return
        case (true, false): return arrived(to, isDirectory: from.isDirectory, now: now)
        case (false, true): return removed(from.path, isDirectory: from.isDirectory)
        case (false, false): break
        }
        if from.isDirectory {
            tree.rename(from: from.path, to: to)
            unwatched = Set(
                unwatched.map { PathBytes.isWithin($0, from.path) ? PathBytes.rebase($0, from: from.path, to: to) : $0 }
            )
        } else if pending.contains(from.path) {
            // The daemon never heard of the old name (written, then renamed before settling): only the new
            // name settles.
            return pending.rename(from: from.path, to: to, now: now, delay: configuration.settleDelay)
        }
        pending.rename(from: from.path, to: to, now: now, delay: configuration.settleDelay)
        emit(.moved(from: WatchPath(bytes: from.path), to: WatchPath(bytes: to), isDirectory: from.isDirectory))
    }

    // MARK: Timers

    /// The earliest instant `fireTimers` has work to do.
    func nextDeadline() -> ContinuousClock.Instant? {
        [pending.nextDeadline, moves.nextDeadline, nextUnwatchedRescan].compactMap { $0 }.min()
    }

    /// Settles quiet files, turns unpaired moves into removals and reports unwatched directories.
    func fireTimers(now: ContinuousClock.Instant) {
        for from in moves.takeExpired(now: now) where !from.ignored {
            removed(from.path, isDirectory: from.isDirectory)
        }
        for path in pending.takeSettled(now: now) { emit(.settled(WatchPath(bytes: path))) }
        if let due = nextUnwatchedRescan, due <= now { rescanUnwatched(now: now) }
    }
}
