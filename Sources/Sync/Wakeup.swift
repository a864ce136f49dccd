import Synchronization

/// Lets the engine's loops sleep until either new work is signalled or a timeout passes, without
/// polling the catalog in a tight loop. Several may wait at once (the daemon's loop and a `drain`
/// each listen while their uploads run); a signal wakes them all, and a signal while nobody waits
/// is remembered once.
final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var nextID = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Waiters whose timeout or cancellation came before they were registered.
        var woken: Set<Int> = []
    }

    private let state = Mutex(State())

    /// Wakes every waiter, or the next one to wait.
    func signal() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            if state.waiters.isEmpty {
                state.pending = true
                return []
            }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns on a signal, after `timeout`, or when the task is cancelled.
    func wait(timeout: Duration) async {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        let timer = Task {
            do {
                try await Task.sleep(for: timeout)
                wake(id)
            } catch {}
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.pending || state.woken.remove(id) != nil || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            wake(id)
        }
        timer.cancel()
        state.withLock { _ = $0.woken.remove(id) }
    }

    /// Wakes one waiter (its timeout or cancellation), or marks it woken if it is not waiting yet.
    private func wake(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
            state.woken.insert(id)
            return nil
        }
        waiter?.resume()
    }
}
