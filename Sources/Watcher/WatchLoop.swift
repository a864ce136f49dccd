import Glibc

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
                "watching",
                metadata: [
                    "roots": "\(engine.roots.map { WatchPath(bytes: $0).string })", "watches": "\(engine.tree.count)",
                ])
            loop()
        }
        control.close()
        continuation.finish()
    }

    private func loop() {
        var readingPaused = false
        let activity = engine.configuration.activity
        while true {
            activity(.waiting)
            let readiness = control.inotify.wait(timeoutMs: timeoutMs(), forEvents: !readingPaused)
            activity(.working)
            if readiness.wakeUp {
                control.inotify.drainWakeUps()
                let requests = control.takeRequests()
                readingPaused = requests.readingPaused
                for waiter in requests.pauseWaiters { waiter.resume() }
                if requests.stop { break }
                for event in requests.injected { engine.handle(event, now: .now) }
            }
            if readiness.events {
                for event in control.inotify.readEvents() { engine.handle(event, now: .now) }
            }
            engine.fireTimers(now: .now)
        }
        activity(.waiting)  // stopped: nothing left in flight
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
