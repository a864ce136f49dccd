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

    @Test func aRealOverflowIsSurvived() async throws {
        let scratch = try Scratch()
        let log = CapturedLog()
        let watcher = try await FolderWatcher(
            roots: [scratch.path], configuration: fastConfiguration(), logger: log.logger())
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        await watcher.pauseReading(true)
        // More events than fs.inotify.max_queued_events (16384 by default; read, never changed). Two files
        // alternate because the kernel merges identical consecutive events.
        let limit =
            Int(
                (try? String(contentsOfFile: "/proc/sys/fs/inotify/max_queued_events", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 16384
        let a = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.at("a.bin")).creatingEmpty())
        let b = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.at("b.bin")).creatingEmpty())
        for _ in 0..<limit {  // twice the limit
            try a.write(contentsOf: [1])
            try b.write(contentsOf: [2])
        }
        try a.close()
        try b.close()
        // Created while the queue is full: its event is lost, yet it must be watched after the overflow.
        try scratch.makeDirectory("lost")
        await watcher.pauseReading(false)
        _ = await reader.collect { $0 == .rescan(WatchPath(scratch.path), reason: .queueOverflow) }
        #expect(log.warnings.filter { $0.contains("overflow") }.count == 1)
        try scratch.write("lost/x.jpg")
        let after = await reader.collect { $0 == .settled(WatchPath(scratch.at("lost/x.jpg"))) }
        #expect(after.last == .settled(WatchPath(scratch.at("lost/x.jpg"))))
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
        // A directory arriving beyond the limit has the files it holds reported, then is rescanned too
        // (files created in it later are seen only by that rescan).
        let outside = try Scratch()
        try outside.makeDirectory("new")
        try outside.write("new/a.jpg")
        try scratch.move(outside.at("new"), scratch.at("new"))
        var seen: Set<WatchEvent> = []
        let wanted: Set<WatchEvent> = [
            .settled(WatchPath(scratch.at("new/a.jpg"))), .rescan(WatchPath(scratch.at("new")), reason: .unwatched),
        ]
        _ = await reader.collect { event in
            if wanted.contains(event) { seen.insert(event) }
            return seen == wanted
        }
        #expect(seen == wanted)
    }
}
