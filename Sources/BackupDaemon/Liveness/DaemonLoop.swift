/// The daemon's long-running loops, each of which must keep making progress for systemd's
/// watchdog to be fed (`Heartbeats`, `WatchdogFeeder`).
package enum DaemonLoop: String, Codable, Sendable, CaseIterable {
    /// Ingests what the watcher reports, batch by batch (and the reconcile scan at start).
    case ingest
    /// The sync engine working the outbox.
    case sync
    /// The inotify thread.
    case watch
}
