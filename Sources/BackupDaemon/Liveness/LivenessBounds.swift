/// How long a unit of work may go without progress before its loop counts as stuck. Progress is
/// fine-grained (a file ingested, an upload block staged, a row finished), so the bounds only have to
/// outlast the slowest single step of legitimate work, not the whole of it: a 50 GB upload is
/// thousands of steps.
package struct LivenessBounds: Sendable, Equatable {
    /// An ingest batch (or the reconcile scan) without a file finished. The slowest step is one file:
    /// hashing a multi-GB video from a slow disk, or MagickWand rendering a huge TIFF — minutes.
    package var ingest: Duration = .seconds(30 * 60)
    /// An outbox row without a block staged or the row finishing (and the pass's own catalog reads).
    /// The slowest step is the first block back: up to 4 rows × 8 blocks × 8 MiB are in flight at
    /// once, which a 1 Mbit/s uplink takes about 36 minutes to send. A transfer that moves nothing
    /// at all is curl's to abort (`stallTimeout`); this catches what hangs in our own code.
    package var sync: Duration = .seconds(60 * 60)
    /// One wake-up of the inotify thread (reading events, walking a folder that arrived, firing
    /// timers). Milliseconds normally; walking a moved-in tree of many thousand folders, a minute.
    package var watch: Duration = .seconds(5 * 60)

    /// The defaults.
    package init() {}

    /// The defaults, each at least `intervals` watchdog intervals: an administrator who raises
    /// `WatchdogSec=` is asking for more patience, and a bound much shorter than the interval would
    /// only make the daemon stop pinging for stalls systemd was told to tolerate.
    package static func defaults(watchdogInterval: Duration?, intervals: Int = 5) -> LivenessBounds {
        var bounds = LivenessBounds()
        guard let watchdogInterval else { return bounds }
        let floor = watchdogInterval * intervals
        bounds.ingest = max(bounds.ingest, floor)
        bounds.sync = max(bounds.sync, floor)
        bounds.watch = max(bounds.watch, floor)
        return bounds
    }

    /// The bound of `loop`.
    package subscript(loop: DaemonLoop) -> Duration {
        switch loop {
        case .ingest: ingest
        case .sync: sync
        case .watch: watch
        }
    }
}
