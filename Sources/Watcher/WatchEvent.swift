/// What the watcher tells the daemon. Paths are absolute and lie under one of the watched roots.
package enum WatchEvent: Sendable, Hashable {
    /// A file was closed after writing (or moved in, or found in a new directory) and then stayed quiet for
    /// `settleDelay`: ingest it now. A file may settle more than once (written again later).
    case settled(WatchPath)
    /// A file or directory was deleted or moved out of the watched trees (a directory's contents went with it).
    case removed(WatchPath, isDirectory: Bool)
    /// A file or directory was renamed or moved inside the watched trees (paired by inotify cookie): the
    /// content did not change, so nothing needs uploading. A directory's contents moved with it.
    case moved(from: WatchPath, to: WatchPath, isDirectory: Bool)
    /// Events under this directory may have been missed: reconcile it and everything below it by a scan.
    case rescan(WatchPath, reason: RescanReason)
}

/// Why a rescan is asked for.
package enum RescanReason: String, Sendable, Hashable {
    /// The kernel's event queue overflowed (`IN_Q_OVERFLOW`); sent once for every root.
    case queueOverflow
    /// The directory could not be watched (`max_user_watches` or the `maxWatches` cap reached); sent
    /// periodically, every `unwatchedRescanInterval`, until a watch can be added.
    case unwatched
    /// A directory's permissions or owner changed: what could not be read may be readable now (and
    /// the reverse), so it is looked at again. Sent once per change.
    case permissionsChanged
}
