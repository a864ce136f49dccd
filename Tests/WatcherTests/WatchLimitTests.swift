import Foundation
import Testing

@testable import Watcher

/// Overflow and the watch limit: the conditions where events are lost and a rescan must say so.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct WatchLimitTests {
    @Test func queueOverflowAsksForARescanOfEveryRoot() async throws {
        let first = try Scratch()
        let second = try Scratch()
        let log = CapturedLog()
        let watcher = try await FolderWatcher(
            roots: [first.path, second.path], configuration: fastConfiguration(), logger: log.logger())
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        watcher.inject(RawInotifyEvent(wd: -1, mask: InotifyMask.overflow, cookie: 0, name: []))
        var rescans: Set<WatchEvent> = []
        _ = await reader.collect { event in
            if case .rescan = event { rescans.insert(event) }
            return rescans.count == 2
        }
        #expect(
            rescans == [
                .rescan(WatchPath(first.path), reason: .queueOverflow),
                .rescan(WatchPath(second.path), reason: .queueOverflow),
            ])
        #expect(log.warnings.filter { $0.contains("overflow") }.count == 1)
        // Still watching afterwards.
        let after = try await reader.drain(first)
        #expect(after.contains(.settled(WatchPath(first.at("sentinel")))))
    }

    @Test func directoriesBeyondTheWatchLimitAreRescannedPeriodically() async throws {
        let scratch = try Scratch()
        try scratch.makeDirectory("unwatched/deeper")
        let log = CapturedLog()
        var configuration = fastConfiguration()
        configuration.maxWatches = 1  // the root only
        let watcher = try await FolderWatcher(roots: [scratch.path], configuration: configuration, logger: log.logger())
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        let expected = WatchEvent.rescan(WatchPath(scratch.at("unwatched")), reason: .unwatched)
        var count = 0
        let events = await reader.collect { event in
            if event == expected { count += 1 }
            return count == 2
        }
        #expect(count == 2)
        // Only the topmost unwatched directory is reported: a rescan covers what is below it.
        #expect(!events.contains(.rescan(WatchPath(scratch.at("unwatched/deeper")), reason: .unwatched)))
        #expect(log.warnings.contains { $0.contains("maxWatches") })
        // A directory created beyond the limit still has its files reported.
        try scratch.makeDirectory("new")
        try scratch.write("new/a.jpg")
        let later = await reader.collect { $0 == .settled(WatchPath(scratch.at("new/a.jpg"))) }
        #expect(later.last == .settled(WatchPath(scratch.at("new/a.jpg"))))
    }
}
