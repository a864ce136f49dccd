import AzureStorage
import Catalog
import CoreMetrics
import Foundation
import Logging
import Synchronization
import Telemetry

/// The daemon's Prometheus registry and the gauges read at scrape time. State that lives in the catalog
/// (files, outbox, problems) and in the running session's snapshot (ingest, watches) is read when Prometheus
/// asks, never kept twice; the cloud client's request metrics are counted as they happen, in its pipeline.
package final class DaemonMetrics: Sendable {
    package let registry: MetricsRegistry
    private let catalog: Catalog
    private let logger: Logger
    /// Reads the running session's snapshot, for the ingest and watcher figures it keeps.
    private let snapshot = Mutex<(@Sendable () -> DaemonSnapshot)?>(nil)
    /// The snapshot's running totals at the last scrape, to move the counters by what changed since.
    private let counted = Mutex<[String: Double]>([:])
    /// The `done_at` of the last master observed in the latency histogram (rows before the start are not).
    private let mastersSeen: Mutex<String>
    /// One scrape at a time reads the catalog and moves the counters (two at once would count twice).
    private let refreshing = NSLock()

    package static let descriptions: [String: String] = [
        "ironviper_files": "Files in the catalog by library and state (present, missing).",
        "ironviper_file_bytes": "Bytes of the present files by library.",
        "ironviper_outbox_due": "Outbox rows due now by kind (not parked, not scheduled for later).",
        "ironviper_outbox_oldest_due_age_seconds": "Age of the oldest due outbox row by kind; 0 when none is due.",
        "ironviper_outbox_parked": "Outbox rows parked after repeated failures, by kind.",
        "ironviper_outbox_scheduled_purges": "Purges waiting for their retention time.",
        "ironviper_outbox_waiting_on_parked": "Outbox rows blocked behind a parked row.",
        "ironviper_problems": "Paths with a problem (unreadable, not UTF-8, refused image...) by reason.",
        "ironviper_ingest_files_total": "Files the watcher reported and the daemon ingested.",
        "ironviper_ingest_failures_total": "Files that could not be read or converted.",
        "ironviper_files_moved_without_reading_total": "Renames and moves followed with an lstat, without a read.",
        "ironviper_watch_unwatched_folders": "Folders inotify could not watch (rescanned instead), by library.",
        "ironviper_last_sync_success_timestamp_seconds": "When a cloud operation last succeeded (Unix time).",
        "ironviper_ingest_bytes_total": "Bytes read (hashed) by ingest.",
        "ironviper_ingest_new_contents_total": "New contents ingested and described (previews made for images).",
        "ironviper_ingest_seconds_total": "Wall-clock seconds spent ingesting (rate: the share of time it was busy).",
        "ironviper_renditions": "Previews in the local previews folder (renditions made and kept).",
        "ironviper_watch_events_total": "Watcher events by kind (settled, removed, moved, rescan).",
        "ironviper_watch_rescans_total": "Folder rescans by reason (queueOverflow, unwatched, permissionsChanged).",
        "ironviper_master_commit_latency_seconds":
            "Time from a master being queued (its file read at ingest) to its upload committed.",
    ]

    /// Kinds reported even at zero, so a rule on a series that is absent never silently passes.
    static let outboxKinds = [
        "master", "rendition", "entity", "folder", "history", "event", "delete", "purge", "reference", "library",
    ]

    package init(catalog: Catalog, logger: Logger) {
        registry = MetricsRegistry(
            descriptions: Self.descriptions.merging(StorageClientMetrics.descriptions) { first, _ in first }
                .merging(BuildInfo.descriptions) { first, _ in first })
        self.catalog = catalog
        self.logger = logger
        mastersSeen = Mutex(OutboxTime.format(Date()))
        BuildInfo.record(in: registry, component: "daemon")
    }

    /// Follows a new session's snapshot (the daemon starts one per configuration).
    package func follow(_ snapshot: @escaping @Sendable () -> DaemonSnapshot) {
        self.snapshot.withLock { $0 = snapshot }
    }

    /// Sets every scrape-time gauge; a catalog that cannot be read leaves the last values (and is logged).
    package func refresh(now: Date = Date()) {
        refreshing.lock()
        defer { refreshing.unlock() }
        do {
            for (library, counts) in try catalog.libraryCounts() {
                registry.gauge("ironviper_files", [("library", library), ("state", "present")]).set(
                    to: Double(counts.present))
                registry.gauge("ironviper_files", [("library", library), ("state", "missing")]).set(
                    to: Double(counts.missing))
                registry.gauge("ironviper_file_bytes", [("library", library)]).set(to: Double(counts.bytes))
            }
            let outbox = try OutboxStatus.read(from: catalog, now: now)
            let oldest = try catalog.outboxOldestDue(now: now)
            var parked: [String: Int] = [:]
            for row in outbox.parked { parked[row.kind, default: 0] += 1 }
            for kind in Set(Self.outboxKinds).union(outbox.pending.keys).union(parked.keys) {
                registry.gauge("ironviper_outbox_due", [("kind", kind)]).set(to: Double(outbox.pending[kind] ?? 0))
                registry.gauge("ironviper_outbox_parked", [("kind", kind)]).set(to: Double(parked[kind] ?? 0))
                let age = oldest[kind].map { max(0, now.timeIntervalSince($0)) } ?? 0
                registry.gauge("ironviper_outbox_oldest_due_age_seconds", [("kind", kind)]).set(to: age)
            }
            registry.gauge("ironviper_outbox_scheduled_purges").set(to: Double(outbox.scheduledPurges))
            registry.gauge("ironviper_outbox_waiting_on_parked").set(to: Double(outbox.waitingOnParked))
            for (reason, count) in try catalog.problemCounts() {
                registry.gauge("ironviper_problems", [("reason", reason)]).set(to: Double(count))
            }
            registry.gauge("ironviper_renditions").set(to: Double(try catalog.counts().renditions))
            try observeMasterLatencies()
        } catch {
            logger.warning("metrics: the catalog could not be read", metadata: ["error": "\(error)"])
        }
        guard let snapshot = snapshot.withLock({ $0 })?() else { return }
        count("ironviper_ingest_files_total", Double(snapshot.filesIngested))
        count("ironviper_ingest_failures_total", Double(snapshot.filesFailed))
        count("ironviper_files_moved_without_reading_total", Double(snapshot.filesMovedWithoutReading))
        count("ironviper_ingest_bytes_total", Double(snapshot.bytesIngested ?? 0))
        count("ironviper_ingest_new_contents_total", Double(snapshot.newContents ?? 0))
        count("ironviper_ingest_seconds_total", snapshot.ingestSeconds ?? 0)
        for kind in ["settled", "removed", "moved", "rescan"] {
            count("ironviper_watch_events_total", Double(snapshot.watchEvents?[kind] ?? 0), [("kind", kind)])
        }
        for (reason, total) in snapshot.rescans ?? [:] {
            count("ironviper_watch_rescans_total", Double(total), [("reason", reason)])
        }
        for library in snapshot.libraries {
            registry.gauge("ironviper_watch_unwatched_folders", [("library", library.name)])
                .set(to: Double(library.unwatchedFolders.count))
        }
        if let last = snapshot.lastSyncSuccessAt {
            registry.gauge("ironviper_last_sync_success_timestamp_seconds").set(to: last.timeIntervalSince1970)
        }
    }

    /// Moves a counter to a running total the snapshot keeps (it only grows while the daemon runs).
    private func count(_ name: String, _ total: Double, _ labels: [(String, String)] = []) {
        let key = name + labels.map { "|\($0.0)=\($0.1)" }.joined()
        let step = counted.withLock { seen -> Double in
            defer { seen[key] = max(seen[key] ?? 0, total) }
            return max(0, total - (seen[key] ?? 0))
        }
        registry.counter(name, labels).increment(by: step)
    }

    /// Each master committed since the last scrape, once, into the latency histogram.
    private func observeMasterLatencies() throws {
        let after = mastersSeen.withLock { $0 }
        let finished = try catalog.outboxFinished(kind: .master, after: after)
        guard let last = finished.last else { return }
        let timer = Timer(label: "ironviper_master_commit_latency_seconds", dimensions: [], factory: registry.factory)
        for row in finished { timer.recordNanoseconds(Int64(max(0, row.done.timeIntervalSince(row.queued)) * 1e9)) }
        mastersSeen.withLock { $0 = last.doneText }
    }
}
