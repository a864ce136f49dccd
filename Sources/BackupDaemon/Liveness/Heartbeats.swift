import Foundation
import Synchronization

/// Where each long-running loop says it is alive. A loop beats whenever it runs at all (an idle loop
/// waking from its wait is healthy); a unit of work (a batch, an outbox row, one wake-up of the
/// inotify thread) is `started`, `progressed` and `finished`, and only a unit that goes longer than
/// its loop's bound without progress makes the loop stuck. Waiting for events is never stuck.
///
/// Time is an injectable monotonic clock: a wall-clock step (NTP) must not look like a hang, and
/// tests drive time forward instead of sleeping.
package final class Heartbeats: Sendable {
    package typealias Instant = ContinuousClock.Instant

    /// A loop with a unit of work that made no progress for longer than its bound.
    package struct Stall: Sendable, Equatable {
        package var loop: DaemonLoop
        /// When the stuck unit started.
        package var busySince: Instant
        /// When it last made progress.
        package var quietSince: Instant
    }

    private struct Unit {
        var since: Instant
        /// Last progress; in the future while the unit waits for a known time (its bandwidth turn).
        var progress: Instant
    }

    private struct Loop {
        var lastBeat: Instant
        var units: [Int64: Unit] = [:]
        /// Units this loop finished, ever: tells "idle after work" from "idle all along".
        var finished = 0
    }

    package let bounds: LivenessBounds
    private let clock: @Sendable () -> Instant
    private let loops: Mutex<[DaemonLoop: Loop]>

    /// Every loop counts as having beaten at creation (none has had the time to hang yet).
    package init(bounds: LivenessBounds, clock: @escaping @Sendable () -> Instant = { .now }) {
        self.bounds = bounds
        self.clock = clock
        let start = clock()
        loops = Mutex(Dictionary(uniqueKeysWithValues: DaemonLoop.allCases.map { ($0, Loop(lastBeat: start)) }))
    }

    package var now: Instant { clock() }

    /// The loop ran (woke from its wait, or did anything at all).
    package func beat(_ loop: DaemonLoop) {
        change(loop) { _, _ in }
    }

    /// A unit of work begins; `unit` tells apart units running at once in one loop (outbox rows).
    package func started(_ loop: DaemonLoop, unit: Int64 = 0) {
        change(loop) { state, now in state.units[unit] = Unit(since: now, progress: now) }
    }

    /// The unit moved forward. `quietFor`: it now waits that long on purpose (its turn under the
    /// bandwidth limit) and counts as progressing until then.
    package func progressed(_ loop: DaemonLoop, unit: Int64 = 0, quietFor: Duration = .zero) {
        change(loop) { state, now in
            guard var current = state.units[unit] else { return }
            current.progress = max(current.progress, now + quietFor)
            state.units[unit] = current
        }
    }

    /// The unit is over (done or failed): the loop is back to waiting, or to its other units. `isWork`: false for
    /// a unit that only looked for work (the sync engine's poll of the outbox, every 2 s while idle), which bounds a
    /// stuck loop like any other unit but is not work done: an idle daemon is not "idle after work" every poll.
    package func finished(_ loop: DaemonLoop, unit: Int64 = 0, isWork: Bool = true) {
        change(loop) { state, _ in
            if state.units.removeValue(forKey: unit) != nil, isWork { state.finished += 1 }
        }
    }

    /// Whether any loop has a unit under way, and how many units all loops finished so far.
    package func activity() -> (busy: Bool, finishedUnits: Int) {
        loops.withLock { loops in
            (loops.values.contains { !$0.units.isEmpty }, loops.values.reduce(0) { $0 + $1.finished })
        }
    }

    /// The stuck loops, each with its longest-quiet unit; empty while every loop is healthy.
    package func stalls() -> [Stall] {
        let now = clock()
        return loops.withLock { loops in
            DaemonLoop.allCases.compactMap { name in
                let quiet = loops[name]?.units.values.min { $0.progress < $1.progress }
                guard let quiet, quiet.progress.duration(to: now) > bounds[name] else { return nil }
                return Stall(loop: name, busySince: quiet.since, quietSince: quiet.progress)
            }
        }
    }

    /// What `status` shows of each loop, in wall-clock time.
    package func report() -> [LoopHeartbeat] {
        let now = clock()
        let stuck = Set(stalls().map(\.loop))
        return loops.withLock { loops in
            DaemonLoop.allCases.compactMap { name in
                guard let loop = loops[name] else { return nil }
                let oldest = loop.units.values.min { $0.since < $1.since }
                let quiet = loop.units.values.min { $0.progress < $1.progress }
                return LoopHeartbeat(
                    loop: name, lastBeatAt: Self.date(of: loop.lastBeat, now: now),
                    busySince: oldest.map { Self.date(of: $0.since, now: now) },
                    lastProgressAt: quiet.map { Self.date(of: min($0.progress, now), now: now) },
                    units: loop.units.count, stuck: stuck.contains(name))
            }
        }
    }

    /// The wall-clock time of a monotonic instant, for logs and `status`.
    package func date(of instant: Instant) -> Date { Self.date(of: instant, now: clock()) }

    private static func date(of instant: Instant, now: Instant) -> Date {
        let ago = instant.duration(to: now).components
        return Date().addingTimeInterval(-(Double(ago.seconds) + Double(ago.attoseconds) / 1e18))
    }

    private func change(_ loop: DaemonLoop, _ body: (inout Loop, Instant) -> Void) {
        let now = clock()
        loops.withLock { loops in
            var state = loops[loop] ?? Loop(lastBeat: now)
            state.lastBeat = now
            body(&state, now)
            loops[loop] = state
        }
    }
}

/// One loop as `status.json` and `ironviper status --json` show it.
package struct LoopHeartbeat: Codable, Sendable, Equatable {
    package var loop: DaemonLoop
    /// When the loop last reported anything (an idle loop beats each time it wakes).
    package var lastBeatAt: Date
    /// When its oldest unit of work in flight started; nil while it waits for work.
    package var busySince: Date?
    /// When its quietest unit of work last made progress; nil while it waits for work.
    package var lastProgressAt: Date?
    /// Units of work in flight (outbox rows run several at once).
    package var units: Int
    /// No progress past the loop's bound: systemd's watchdog is not being fed.
    package var stuck: Bool
}
