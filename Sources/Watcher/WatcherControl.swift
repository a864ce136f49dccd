import Synchronization

/// What other threads may ask of the watcher's thread, under a lock.
final class WatcherControl: Sendable {
    private struct State {
        var stopping = false
        var closed = false
        var injected: [RawInotifyEvent] = []
        var readingPaused = false
        /// Callers of `pauseReading`, resumed once the thread has applied it.
        var pauseWaiters: [CheckedContinuation<Void, Never>] = []
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

    /// Returns once the watcher's thread has stopped (or resumed) reading the kernel's queue.
    func pauseReading(_ paused: Bool) async {
        await withCheckedContinuation { waiter in
            state.withLock { state in
                state.readingPaused = paused
                state.pauseWaiters.append(waiter)
                if state.closed { state.pauseWaiters.removeLast().resume() } else { inotify.wake() }
            }
        }
    }

    /// What the watcher's thread is asked on a wake-up.
    struct Requests {
        var stop: Bool
        var injected: [RawInotifyEvent]
        var readingPaused: Bool
        var pauseWaiters: [CheckedContinuation<Void, Never>]
    }

    /// Called by the watcher's thread on a wake-up.
    func takeRequests() -> Requests {
        state.withLock { state in
            defer {
                state.injected = []
                state.pauseWaiters = []
            }
            return Requests(
                stop: state.stopping, injected: state.injected, readingPaused: state.readingPaused,
                pauseWaiters: state.pauseWaiters)
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
