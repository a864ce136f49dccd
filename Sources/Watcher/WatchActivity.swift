/// What the watcher's thread reports around its blocking wait, so that a liveness monitor can tell
/// a thread waiting for the kernel (healthy however long) from one stuck handling what it read.
/// Reported on the watcher's thread: the receiver must be quick and never block.
package enum WatchActivity: Sendable {
    /// The thread woke and handles events, requests or timers.
    case working
    /// The thread is done handling and goes back to waiting.
    case waiting
}
