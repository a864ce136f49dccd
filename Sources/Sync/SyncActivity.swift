/// What the engine reports as it works, so that a liveness monitor can tell a long upload that moves
/// from one that hangs (the daemon feeds systemd's watchdog only while the engine makes progress).
/// Reported synchronously from the engine's tasks: the receiver must be quick and never block.
package enum SyncActivity: Sendable {
    /// The engine woke from waiting for work (an idle engine is healthy).
    case woke
    /// The engine's own catalog reads (which rows are due) begin, or end.
    case lookingStarted, lookingFinished
    /// An outbox row (by id) begins.
    case rowStarted(Int64)
    /// The row moved forward: an upload block staged or found already staged.
    case rowProgressed(Int64)
    /// The row waits this long on purpose, for its turn under the bandwidth limit.
    case rowWaiting(Int64, Duration)
    /// The row is over: done, postponed or failed.
    case rowFinished(Int64)
}
