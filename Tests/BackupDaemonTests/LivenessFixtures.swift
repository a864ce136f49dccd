import Logging
import Synchronization

/// A monotonic clock the test moves by hand: time passes only when the test says so.
final class FakeClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)

    var now: ContinuousClock.Instant { instant.withLock { $0 } }

    func advance(by duration: Duration) { instant.withLock { $0 += duration } }
}

/// A loop body made to hang on purpose: `pass()` suspends until the test calls `open()`;
/// `entered()` returns once the body is suspended there.
final class Gate: Sendable {
    private struct State {
        var waiter: CheckedContinuation<Void, Never>?
        var arrival: CheckedContinuation<Void, Never>?
        var arrived = false
    }

    private let state = Mutex(State())

    func pass() async {
        await withCheckedContinuation { waiter in
            let arrival = state.withLock { state in
                state.waiter = waiter
                state.arrived = true
                defer { state.arrival = nil }
                return state.arrival
            }
            arrival?.resume()
        }
    }

    func entered() async {
        await withCheckedContinuation { arrival in
            let already = state.withLock { state in
                if !state.arrived { state.arrival = arrival }
                return state.arrived
            }
            if already { arrival.resume() }
        }
    }

    func open() {
        state.withLock { state in
            defer { state.waiter = nil }
            return state.waiter
        }?.resume()
    }
}

/// Keeps every log line with its level.
final class CapturedLog: Sendable {
    private let lines = Mutex<[(level: Logger.Level, message: String)]>([])

    func messages(at level: Logger.Level) -> [String] {
        lines.withLock { $0.filter { $0.level == level }.map(\.message) }
    }

    func logger() -> Logger {
        Logger(label: "test.liveness") { _ in Handler(log: self) }
    }

    fileprivate func append(_ level: Logger.Level, _ line: String) { lines.withLock { $0.append((level, line)) } }

    private struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { log.append(event.level, event.message.description) }
    }
}
