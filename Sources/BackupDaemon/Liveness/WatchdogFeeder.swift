import Foundation
import Logging
import Synchronization

/// Feeds systemd's watchdog only while every loop makes progress, so that a hung ingest, sync or
/// watch loop gets the daemon restarted (`WatchdogSec=`, `Restart=on-failure`) instead of a process
/// that looks alive and backs up nothing. A stall is logged once at error level and shown on the
/// `STATUS=` line (what `systemctl status` prints); when the loop moves again pinging resumes.
package final class WatchdogFeeder: Sendable {
    package let heartbeats: Heartbeats
    private let notifier: SystemdNotifier
    private let logger: Logger
    /// The loops found stuck by the last check: a stall is reported when it begins, not every check.
    private let stuck = Mutex<Set<DaemonLoop>>([])

    package init(heartbeats: Heartbeats, notifier: SystemdNotifier, logger: Logger) {
        self.heartbeats = heartbeats
        self.notifier = notifier
        self.logger = logger
    }

    /// How often `check` should run: half the watchdog interval (systemd's advice), at most 5 s so
    /// that `status.json`, written on the same beat, stays fresh.
    package var period: Duration {
        min(notifier.watchdogInterval.map { $0 / 2 } ?? .seconds(5), .seconds(5))
    }

    /// Pings the watchdog when no loop is stuck, otherwise says which is; `healthyStatus` is the
    /// `STATUS=` line to put back when the last stuck loop recovers. Returns the stalls.
    @discardableResult
    package func check(healthyStatus: @autoclosure () -> String) -> [Heartbeats.Stall] {
        let stalls = heartbeats.stalls()
        let now = Set(stalls.map(\.loop))
        let before = stuck.withLock { stuck in
            defer { stuck = now }
            return stuck
        }
        for stall in stalls where !before.contains(stall.loop) {
            logger.error(
                "the \(stall.loop.rawValue) loop is stuck; no longer feeding systemd's watchdog",
                metadata: [
                    "busy since": "\(heartbeats.date(of: stall.busySince))",
                    "no progress since": "\(heartbeats.date(of: stall.quietSince))",
                    "bound": "\(heartbeats.bounds[stall.loop])",
                ])
        }
        for loop in before.subtracting(now).sorted(by: { $0.rawValue < $1.rawValue }) {
            logger.notice("the \(loop.rawValue) loop is moving again", metadata: [:])
        }
        if stalls.isEmpty {
            send { try $0.watchdog() }
            if !before.isEmpty { send { try $0.status(healthyStatus()) } }
        } else if now != before {
            send { try $0.status(Self.statusLine(stalls, heartbeats: heartbeats)) }
        }
        return stalls
    }

    /// "stuck: sync loop without progress since 2025-…; watchdog not fed".
    static func statusLine(_ stalls: [Heartbeats.Stall], heartbeats: Heartbeats) -> String {
        let format = ISO8601DateFormatter()
        let loops = stalls.map { stall in
            let since = format.string(from: heartbeats.date(of: stall.quietSince))
            return "\(stall.loop.rawValue) loop without progress since \(since)"
        }
        return "stuck: " + loops.joined(separator: ", ") + "; watchdog not fed"
    }

    private func send(_ message: (SystemdNotifier) throws -> Void) {
        do { try message(notifier) } catch { logger.warning("\(error)") }
    }
}
