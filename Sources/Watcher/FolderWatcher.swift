import Glibc
import Logging
import Synchronization

/// Watches folders recursively with inotify and reports settled files, removals, moves and rescans as an
/// `AsyncStream`. The blocking wait runs on a thread of its own, never on Swift's cooperative pool.
///
/// Watches are in place when `init` returns (the moment to send systemd `READY=1`). The stream ends after
/// `stop()`, or when the task iterating it is cancelled; keep iterating `events` (or call `stop()`),
/// otherwise the thread keeps watching.
public final class FolderWatcher: Sendable {
    /// What happens under the roots, in the order it was understood.
    public let events: AsyncStream<WatchEvent>
    /// The roots, as given.
    public let roots: [String]
    private let control: WatcherControl

    /// Watches `roots` (absolute directory paths) and everything below them; returns once every watch is
    /// in place. The directories are walked on the watcher's thread, not on the caller's.
    public init(roots: [String], configuration: WatcherConfiguration = .init(), logger: Logger) async throws(WatcherError)
    {
        for root in roots where !root.hasPrefix("/") || DirectoryListing.kind(of: Array(root.utf8), followingLink: true) != .directory {
            throw WatcherError(.notADirectory, root, detail: "not an absolute path to an existing directory")
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
    public func stop() { control.stop() }

    /// Feeds a synthetic kernel event through the watcher's thread (tests: `IN_Q_OVERFLOW` cannot be
    /// provoked without changing system settings).
    func inject(_ event: RawInotifyEvent) { control.inject(event) }

    /// Stops (or resumes) reading the kernel's queue, so that a test can make it overflow for real.
    func pauseReading(_ paused: Bool) { control.pauseReading(paused) }
}

/// What other threads may ask of the watcher's thread, under a lock.
final class WatcherControl: Sendable {
    private struct State {
        var stopping = false
        var closed = false
        var injected: [RawInotifyEvent] = []
        var readingPaused = false
    }

    private let state = Mutex(State())
    let inotify: InotifyInstance

    init(inotify: InotifyInstance) { self.inotify = inotify }

    func stop() {
        state.withLock { state in
            state.stopping = true
            if !state.closed { inotify.wake() }
        }
    }

    func inject(_ event: RawInotifyEvent) {
        state.withLock { state in
            state.injected.append(event)
            if !state.closed { inotify.wake() }
        }
    }

    func pauseReading(_ paused: Bool) {
        state.withLock { state in
            state.readingPaused = paused
            if !state.closed { inotify.wake() }
        }
    }

    /// Called by the watcher's thread on a wake-up: whether to stop, the injected events, whether to read.
    func takeRequests() -> (stop: Bool, injected: [RawInotifyEvent], readingPaused: Bool) {
        state.withLock { state in
            defer { state.injected = [] }
            return (state.stopping, state.injected, state.readingPaused)
        }
    }

    /// Closes the descriptors so that no later `wake()` writes to a reused descriptor number.
    func close() {
        state.withLock { state in
            state.closed = true
            inotify.close()
        }
    }
}

/// The watcher thread's loop: wait, read, handle, fire timers, until stopped.
final class WatchLoop: @unchecked Sendable {  // handed to one thread and used only there
    let engine: WatchEngine
    let control: WatcherControl
    let continuation: AsyncStream<WatchEvent>.Continuation

    init(engine: WatchEngine, control: WatcherControl, continuation: AsyncStream<WatchEvent>.Continuation) {
        self.engine = engine
        self.control = control
        self.continuation = continuation
    }

    /// Watches the roots, reports a refused root (nil: all watched or left to periodic rescans) and, if
    /// none was, runs until stopped.
    func run(whenWatching ready: (String?) -> Void) {
        for root in engine.roots { engine.watchTree(root, reportFilesAt: nil) }
        let refused = engine.roots.first { engine.tree.watch(of: $0) == nil && !engine.unwatched.contains($0) }
        ready(refused.map { WatchPath(bytes: $0).string })
        if refused == nil {
            engine.logger.info(
                "watching", metadata: ["roots": "\(engine.roots.map { WatchPath(bytes: $0).string })", "watches": "\(engine.tree.count)"])
            loop()
        }
        control.close()
        continuation.finish()
    }

    private func loop() {
        var readingPaused = false
        while true {
            let readiness = control.inotify.wait(timeoutMs: timeoutMs(), forEvents: !readingPaused)
            if readiness.wakeUp {
                control.inotify.drainWakeUps()
                let requests = control.takeRequests()
                if requests.stop { break }
                readingPaused = requests.readingPaused
                for event in requests.injected { engine.handle(event, now: .now) }
            }
            if readiness.events {
                for event in control.inotify.readEvents() { engine.handle(event, now: .now) }
            }
            engine.fireTimers(now: .now)
        }
        engine.logger.info("stopped watching")
    }

    /// Milliseconds until the next timer, rounded up (-1: none, wait for events only).
    private func timeoutMs() -> Int32 {
        guard let deadline = engine.nextDeadline() else { return -1 }
        let remaining = ContinuousClock.now.duration(to: deadline)
        if remaining <= .zero { return 0 }
        let (seconds, attoseconds) = remaining.components
        let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: ms)
    }
}

/// Starts a detached POSIX thread, outside Swift's cooperative pool, for work that blocks.
enum DedicatedThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    static func start(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(
            &thread, nil,
            { raw in
                let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                box.body()
                return nil
            }, box)
        precondition(started == 0, "pthread_create failed: \(started)")  // resources exhausted at start
        pthread_detach(thread)
    }
}
