import Logging

/// Watches folders recursively with inotify and reports settled files, removals, moves and rescans as an
/// `AsyncStream`. The blocking wait runs on a thread of its own, never on Swift's cooperative pool.
///
/// Watches are in place when `init` returns (the moment to send systemd `READY=1`). The stream ends after
/// `stop()`, or when the task iterating it is cancelled; keep iterating `events` (or call `stop()`),
/// otherwise the thread keeps watching.
package final class FolderWatcher: Sendable {
    /// What happens under the roots, in the order it was understood.
    package let events: AsyncStream<WatchEvent>
    /// The roots, as given without trailing slashes: every event path starts with one of them.
    package let roots: [String]
    private let control: WatcherControl

    /// Watches `roots` (absolute directory paths) and everything below them; returns once every watch is
    /// in place. The directories are walked on the watcher's thread, not on the caller's.
    package init(roots: [String], configuration: WatcherConfiguration = .init(), logger: Logger)
        async throws(WatcherError)
    {
        for root in roots
        where !root.hasPrefix("/") || DirectoryListing.kind(of: Array(root.utf8), followingLink: true) != .directory {
            throw WatcherError(.notADirectory, root, detail: "not an absolute path to an existing directory")
        }
        // "/photos/" and "/photos" are one root; event paths are built by appending "/name".
        let roots = roots.map { root in
            var trimmed = Substring(root)
            while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
            return String(trimmed)
        }
        let inotify = try InotifyInstance()
        let (stream, continuation) = AsyncStream.makeStream(of: WatchEvent.self, bufferingPolicy: .unbounded)
        let engine = WatchEngine(
            roots: roots.map { Array($0.utf8) }, configuration: configuration, inotify: inotify, logger: logger,
            emit: { continuation.yield($0) })
        let control = WatcherControl(inotify: inotify)
        continuation.onTermination = { _ in control.stop() }
        let loop = WatchLoop(engine: engine, control: control, continuation: continuation)
        let refused: String? = await withCheckedContinuation { ready in
            DedicatedThread.start { loop.run(whenWatching: { ready.resume(returning: $0) }) }
        }
        if let refused {
            throw WatcherError(.cannotWatch, refused, detail: "inotify_add_watch refused the root")
        }
        self.events = stream
        self.roots = roots
        self.control = control
    }

    /// Stops watching: wakes the thread, which closes the inotify descriptor and ends `events`.
    package func stop() { control.stop() }

    /// Feeds a synthetic kernel event through the watcher's thread, as if read from the kernel (tests).
    func inject(_ event: RawInotifyEvent) { control.inject(event) }

    /// Stops (or resumes) reading the kernel's queue, so that a test can make it overflow for real.
    func pauseReading(_ paused: Bool) async { await control.pauseReading(paused) }
}
