import Foundation
import Glibc
import Logging
import Testing

@testable import Watcher

@Suite(.serialized, .timeLimit(.minutes(1)))
struct FolderWatcherTests {
    let logger = Logger(label: "test.watcher")

    @Test func aClosedFileSettlesOnce() async throws {
        let scratch = try Scratch()
        let watcher = try await FolderWatcher(roots: [scratch.path], configuration: fastConfiguration(), logger: logger)
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        try scratch.write("photo.jpg")
        let events = try await reader.drain(scratch)
        #expect(events.filter { $0 == .settled(WatchPath(scratch.at("photo.jpg"))) }.count == 1)
    }

    @Test func aFileStillBeingWrittenIsNotReportedUntilClosed() async throws {
        let scratch = try Scratch()
        let watcher = try await FolderWatcher(roots: [scratch.path], configuration: fastConfiguration(), logger: logger)
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        try #require(FileManager.default.createFile(atPath: scratch.at("big.raw"), contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.at("big.raw")))
        for _ in 0..<3 {
            try handle.write(contentsOf: Data(repeating: 7, count: 4096))
            // Pauses longer than the settle delay, file still open: a quiet-only rule would report it here.
            try await Task.sleep(for: .milliseconds(300))
        }
        try handle.close()
        let events = try await reader.drain(scratch)
        #expect(events.filter { $0 == .settled(WatchPath(scratch.at("big.raw"))) }.count == 1)
    }

    /// A folder whose permissions change is looked at again (a user who fixes an unreadable folder
    /// expects its photos backed up), and a file whose mode changes settles again.
    @Test func aChangeOfPermissionsAsksForARescan() async throws {
        let scratch = try Scratch()
        try scratch.makeDirectory("locked")
        try scratch.write("locked/a.jpg")
        let watcher = try await FolderWatcher(roots: [scratch.path], configuration: fastConfiguration(), logger: logger)
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        #expect(chmod(scratch.at("locked"), 0o700) == 0)
        #expect(chmod(scratch.at("locked/a.jpg"), 0o600) == 0)
        let events = try await reader.drain(scratch)
        #expect(events.contains(.rescan(WatchPath(scratch.at("locked")), reason: .permissionsChanged)), "\(events)")
        #expect(events.filter { $0 == .settled(WatchPath(scratch.at("locked/a.jpg"))) }.count == 1, "\(events)")
    }

    @Test func filesInNewDirectoriesAreFoundAndWatched() async throws {
        let scratch = try Scratch()
        let watcher = try await FolderWatcher(roots: [scratch.path], configuration: fastConfiguration(), logger: logger)
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        // Created together with its parents, likely before the watcher added their watches.
        try scratch.makeDirectory("2024/06/raw")
        try scratch.write("2024/06/raw/a.jpg")
        let events = try await reader.drain(scratch)
        #expect(events.contains(.settled(WatchPath(scratch.at("2024/06/raw/a.jpg")))))
        // Now watched: a later file in the new directory is seen too.
        try scratch.write("2024/06/raw/b.jpg")
        let later = try await reader.drain(scratch, sentinel: "sentinel2")
        #expect(later.contains(.settled(WatchPath(scratch.at("2024/06/raw/b.jpg")))))
    }

    @Test func aTreeMovedInIsReportedFileByFile() async throws {
        let scratch = try Scratch()
        let outside = try Scratch()
        try outside.makeDirectory("import/day1")
        try outside.write("import/day1/a.jpg")
        try outside.write("import/b.jpg")
        try scratch.makeDirectory("library")
        let watcher = try await FolderWatcher(
            roots: [scratch.at("library")], configuration: fastConfiguration(), logger: logger)
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        try scratch.move(outside.at("import"), scratch.at("library/import"))
        try scratch.write("library/import/day1/c.jpg")
        let events = try await reader.drain(scratch, sentinel: "library/sentinel")
        let settled = Set(events.filter { if case .settled = $0 { true } else { false } })
        #expect(
            settled == [
                .settled(WatchPath(scratch.at("library/import/day1/a.jpg"))),
                .settled(WatchPath(scratch.at("library/import/b.jpg"))),
                .settled(WatchPath(scratch.at("library/import/day1/c.jpg"))),
                .settled(WatchPath(scratch.at("library/sentinel"))),
            ])
    }

    @Test func deletionsOfFilesAndDirectoriesAreReported() async throws {
        let scratch = try Scratch()
        try scratch.makeDirectory("album")
        try scratch.write("album/a.jpg")
        try scratch.write("b.jpg")
        let watcher = try await FolderWatcher(roots: [scratch.path], configuration: fastConfiguration(), logger: logger)
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        try FileManager.default.removeItem(atPath: scratch.at("b.jpg"))
        try FileManager.default.removeItem(atPath: scratch.at("album"))
        let events = try await reader.drain(scratch)
        #expect(events.contains(.removed(WatchPath(scratch.at("b.jpg")), isDirectory: false)))
        #expect(events.contains(.removed(WatchPath(scratch.at("album/a.jpg")), isDirectory: false)))
        #expect(events.contains(.removed(WatchPath(scratch.at("album")), isDirectory: true)))
    }

    @Test func renamesAreOneMovedEvent() async throws {
        let scratch = try Scratch()
        try scratch.makeDirectory("trip")
        try scratch.write("trip/a.jpg")
        try scratch.write("b.jpg")
        let watcher = try await FolderWatcher(roots: [scratch.path], configuration: fastConfiguration(), logger: logger)
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        try scratch.move(scratch.at("b.jpg"), scratch.at("trip/b.jpg"))
        try scratch.move(scratch.at("trip"), scratch.at("Trip 2024"))
        // The renamed directory's watch now reports under the new name.
        try scratch.write("Trip 2024/c.jpg")
        let events = try await reader.drain(scratch)
        #expect(
            events.contains(
                .moved(
                    from: WatchPath(scratch.at("b.jpg")), to: WatchPath(scratch.at("trip/b.jpg")), isDirectory: false)))
        #expect(
            events.contains(
                .moved(from: WatchPath(scratch.at("trip")), to: WatchPath(scratch.at("Trip 2024")), isDirectory: true)))
        #expect(events.contains(.settled(WatchPath(scratch.at("Trip 2024/c.jpg")))))
        #expect(!events.contains { if case .removed = $0 { true } else { false } })
    }

    @Test func movingOutIsARemovalAndStopsWatching() async throws {
        let scratch = try Scratch()
        let outside = try Scratch()
        try scratch.makeDirectory("library/old")
        try scratch.write("library/x.jpg")
        let watcher = try await FolderWatcher(
            roots: [scratch.at("library")], configuration: fastConfiguration(), logger: logger)
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        try scratch.move(scratch.at("library/x.jpg"), outside.at("x.jpg"))
        try scratch.move(scratch.at("library/old"), outside.at("old"))
        let removals = await reader.collect { $0 == .removed(WatchPath(scratch.at("library/old")), isDirectory: true) }
        #expect(removals.contains(.removed(WatchPath(scratch.at("library/x.jpg")), isDirectory: false)))
        // Written in the moved-out directory: no longer ours.
        try outside.write("old/late.jpg")
        let events = try await reader.drain(scratch, sentinel: "library/sentinel")
        #expect(events == [.settled(WatchPath(scratch.at("library/sentinel")))])
    }

    @Test func ignoredNamesProduceNoEvents() async throws {
        let scratch = try Scratch()
        let watcher = try await FolderWatcher(roots: [scratch.path], configuration: fastConfiguration(), logger: logger)
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        for name in ["a.tmp", ".~lock.doc#", "video.part", ".x.swp", "~$report.docx", ".DS_Store", "f.crdownload"] {
            try scratch.write(name)
        }
        try scratch.makeDirectory(".ironviper-state")
        try scratch.write(".ironviper-state/catalog.sqlite")
        try FileManager.default.removeItem(atPath: scratch.at("a.tmp"))
        // A download renamed when complete arrives as new content.
        try scratch.write("movie.mp4.part")
        try scratch.move(scratch.at("movie.mp4.part"), scratch.at("movie.mp4"))
        let events = try await reader.drain(scratch)
        #expect(
            Set(events) == [.settled(WatchPath(scratch.at("movie.mp4"))), .settled(WatchPath(scratch.at("sentinel")))])
    }

    @Test func aFileRenamedBeforeSettlingSettlesOnlyUnderItsNewName() async throws {
        let scratch = try Scratch()
        var configuration = fastConfiguration()
        configuration.settleDelay = .seconds(1)  // ample room for the rename to come first
        let watcher = try await FolderWatcher(roots: [scratch.path], configuration: configuration, logger: logger)
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        try scratch.write("IMG_1.JPG")
        try scratch.move(scratch.at("IMG_1.JPG"), scratch.at("2024-06-01 beach.jpg"))
        let events = try await reader.drain(scratch)
        #expect(
            Set(events) == [
                .settled(WatchPath(scratch.at("2024-06-01 beach.jpg"))), .settled(WatchPath(scratch.at("sentinel"))),
            ])
    }

    @Test func renamingToAnIgnoredNameIsARemoval() async throws {
        let scratch = try Scratch()
        try scratch.write("keep.jpg")
        let watcher = try await FolderWatcher(roots: [scratch.path], configuration: fastConfiguration(), logger: logger)
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        try scratch.move(scratch.at("keep.jpg"), scratch.at("keep.jpg.tmp"))
        let events = try await reader.drain(scratch)
        #expect(
            Set(events) == [
                .removed(WatchPath(scratch.at("keep.jpg")), isDirectory: false),
                .settled(WatchPath(scratch.at("sentinel"))),
            ])
    }

    @Test func aDeletedRootIsReportedAndTheStreamGoesOn() async throws {
        let scratch = try Scratch()
        try scratch.makeDirectory("one/sub")
        try scratch.makeDirectory("two")
        let watcher = try await FolderWatcher(
            roots: [scratch.at("one"), scratch.at("two")], configuration: fastConfiguration(), logger: logger)
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        try FileManager.default.removeItem(atPath: scratch.at("one"))
        let events = await reader.collect { $0 == .removed(WatchPath(scratch.at("one")), isDirectory: true) }
        #expect(events.contains(.removed(WatchPath(scratch.at("one/sub")), isDirectory: true)))
        let later = try await reader.drain(scratch, sentinel: "two/sentinel")
        #expect(later == [.settled(WatchPath(scratch.at("two/sentinel")))])
    }

    @Test func aNameThatIsNotUTF8IsReportedWithItsBytes() async throws {
        let scratch = try Scratch()
        let watcher = try await FolderWatcher(roots: [scratch.path], configuration: fastConfiguration(), logger: logger)
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        let bytes = Array(scratch.path.utf8) + Array("/caf".utf8) + [0xE9] + Array(".jpg".utf8)  // Latin-1 é
        let fd = (bytes + [0]).withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
        }
        try #require(fd >= 0)
        close(fd)
        let events = try await reader.drain(scratch)
        let path = try #require(
            events.compactMap { if case .settled(let p) = $0, p.bytes == bytes { p } else { nil } }.first)
        #expect(!path.isValidUTF8)
        #expect(path.string == scratch.path + "/caf\u{FFFD}.jpg")
    }

    @Test func stopEndsTheStream() async throws {
        let scratch = try Scratch()
        let watcher = try await FolderWatcher(roots: [scratch.path], configuration: fastConfiguration(), logger: logger)
        var reader = EventReader(watcher)
        watcher.stop()
        let rest = await reader.collect { _ in false }
        #expect(rest.isEmpty)
    }

    @Test func aRootMayBeASymbolicLinkAndPathsKeepItsName() async throws {
        let scratch = try Scratch()
        try scratch.makeDirectory("real/album")
        try FileManager.default.createSymbolicLink(
            atPath: scratch.at("Pictures"), withDestinationPath: scratch.at("real"))
        let root = scratch.at("Pictures")
        let watcher = try await FolderWatcher(roots: [root], configuration: fastConfiguration(), logger: logger)
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        try scratch.write("real/album/a.jpg")
        let events = await reader.collect { if case .settled = $0 { true } else { false } }
        #expect(events == [.settled(WatchPath(root + "/album/a.jpg"))])
    }

    @Test func manyFilesCopiedAtOnceSettleOnceEach() async throws {
        let scratch = try Scratch()
        let watcher = try await FolderWatcher(roots: [scratch.path], configuration: fastConfiguration(), logger: logger)
        defer { watcher.stop() }
        var reader = EventReader(watcher)
        var expected: Set<WatchEvent> = []
        let started = ContinuousClock.now
        for folder in 0..<20 {
            try scratch.makeDirectory("import/\(folder)")
            for file in 0..<50 {
                try scratch.write("import/\(folder)/IMG_\(file).JPG", String(repeating: "x", count: 4096))
                expected.insert(.settled(WatchPath(scratch.at("import/\(folder)/IMG_\(file).JPG"))))
            }
        }
        let written = ContinuousClock.now
        var settled: [WatchEvent] = []
        _ = await reader.collect { event in
            if expected.contains(event) { settled.append(event) }
            return settled.count == expected.count
        }
        // A figure for the report, not an assertion: time from the last close to the last settle.
        print(
            "1000 files: written in \(started.duration(to: written)), all settled \(written.duration(to: .now)) later")
        #expect(Set(settled) == expected)
        #expect(settled.count == expected.count)
    }

    @Test func cancellingTheReaderStopsTheWatcher() async throws {
        let scratch = try Scratch()
        let log = CapturedLog()
        let watcher = try await FolderWatcher(
            roots: [scratch.path], configuration: fastConfiguration(), logger: log.logger())
        let reader = Task {
            for await _ in watcher.events {}
        }
        reader.cancel()
        await reader.value
        // The thread wakes, closes its descriptors and says so; polled because it happens on another thread.
        while !log.messages.contains("stopped watching") { try await Task.sleep(for: .milliseconds(10)) }
        #expect(log.messages.contains("stopped watching"))
    }

    @Test(arguments: ["absent", "file.jpg", "relative"])
    func aRootThatIsNotAnAbsoluteDirectoryIsRefused(_ name: String) async throws {
        let scratch = try Scratch()
        try scratch.write("file.jpg")
        let root = name == "relative" ? "watcher-relative-root" : scratch.at(name)
        await #expect(throws: WatcherError.self) {
            _ = try await FolderWatcher(roots: [root], logger: logger)
        }
    }
}
