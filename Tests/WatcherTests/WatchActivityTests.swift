import Logging
import Synchronization
import Testing

@testable import Watcher

/// The watcher's thread says when it handles something and when it goes back to waiting: the
/// daemon's watchdog counts only the handling against a bound, never the wait.
@Suite(.timeLimit(.minutes(1)))
struct WatchActivityTests {
    @Test func eachWakeUpIsWorkThenWaiting() async throws {
        let scratch = try Scratch()
        let seen = Mutex<[WatchActivity]>([])
        var configuration = fastConfiguration()
        configuration.activity = { activity in seen.withLock { $0.append(activity) } }
        let watcher = try await FolderWatcher(
            roots: [scratch.path], configuration: configuration, logger: Logger(label: "test.watcher"))
        var reader = EventReader(watcher)
        let events = try await reader.drain(scratch)
        #expect(!events.isEmpty)
        watcher.stop()
        _ = await reader.collect { _ in false }  // to the end of the stream: the thread has stopped
        let activity = seen.withLock { $0 }
        #expect(activity.contains(.working))
        #expect(activity.last == .waiting, "nothing left in flight after stopping")
        // Strictly alternating: every wake-up is reported as over before the next wait.
        for (before, after) in zip(activity, activity.dropFirst()) { #expect(before != after) }
    }
}
