/// How a `FolderWatcher` behaves; every field has a default fit for the daemon.
package struct WatcherConfiguration: Sendable {
    /// How long a file must stay quiet after its last close-after-write (or arrival) before it is settled.
    package var settleDelay: Duration = .seconds(1)
    /// How long a `IN_MOVED_FROM` waits for its `IN_MOVED_TO`; unpaired, it becomes a removal. The kernel
    /// queues the pair together, so this only covers a pair split across two reads.
    package var movePairingWindow: Duration = .milliseconds(250)
    /// Name globs (`fnmatch`, matched against the last path component) of files and directories that
    /// produce no events and are not watched.
    package var ignoredNames: [String] = WatcherConfiguration.defaultIgnoredNames
    /// Whether names starting with `.` (hidden files and directories) are watched; off by default, like
    /// the catalog's scan (`ScanConfiguration.includeHidden`).
    package var includeHidden = false
    /// A cap on the inotify watches this watcher adds, below the kernel's `max_user_watches`; reaching it
    /// is handled exactly like `ENOSPC` (nil: only the kernel's limit applies).
    package var maxWatches: Int? = nil
    /// How often directories that could not be watched are retried and reported for a rescan.
    package var unwatchedRescanInterval: Duration = .seconds(600)
    /// Told when the watcher's thread wakes and when it goes back to waiting (the daemon's watchdog
    /// listens); nothing by default.
    package var activity: @Sendable (WatchActivity) -> Void = { _ in }

    /// Temporary files of editors, browsers, office suites and ironviper itself.
    package static let defaultIgnoredNames = [
        "*.tmp", ".~*", "*.part", "*.partial", "*.crdownload", "*.swp", "~$*", ".DS_Store", ".ironviper*",
    ]

    /// The defaults.
    package init() {}
}
