import Foundation
import Logging
import Synchronization
import Watcher

/// A scratch directory, removed when the test ends.
final class Scratch: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "watcher-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/relative`.
    func at(_ relative: String) -> String { path + "/" + relative }

    func write(_ relative: String, _ text: String = "content") throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: at(relative)))
    }

    func makeDirectory(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: at(relative), withIntermediateDirectories: true)
    }

    func move(_ from: String, _ to: String) throws {
        guard rename(from, to) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}

/// Reads a watcher's events in order, collecting them up to one the test waits for.
struct EventReader {
    var iterator: AsyncStream<WatchEvent>.Iterator

    init(_ watcher: FolderWatcher) { iterator = watcher.events.makeAsyncIterator() }

    /// The events up to and including the first that matches (all of them if the stream ends first).
    mutating func collect(until done: (WatchEvent) -> Bool) async -> [WatchEvent] {
        var seen: [WatchEvent] = []
        while let event = await iterator.next() {
            seen.append(event)
            if done(event) { break }
        }
        return seen
    }

    /// The events up to the settling of a sentinel file written now: everything caused before it.
    mutating func drain(_ scratch: Scratch, sentinel: String = "sentinel") async throws -> [WatchEvent] {
        try scratch.write(sentinel)
        let target = WatchEvent.settled(WatchPath(scratch.at(sentinel)))
        return await collect { $0 == target }
    }
}

/// Short delays so the tests run quickly; behaviour, not timing, is asserted.
func fastConfiguration() -> WatcherConfiguration {
    var configuration = WatcherConfiguration()
    configuration.settleDelay = .milliseconds(100)
    configuration.movePairingWindow = .milliseconds(100)
    configuration.unwatchedRescanInterval = .milliseconds(100)
    return configuration
}

/// A log handler that keeps every line, to check that a condition was logged clearly.
final class CapturedLog: Sendable {
    private let lines = Mutex<[(level: Logger.Level, message: String)]>([])

    var warnings: [String] { lines.withLock { $0.filter { $0.level == .warning }.map(\.message) } }
    var messages: [String] { lines.withLock { $0.map(\.message) } }

    func logger() -> Logger {
        Logger(label: "test.watcher") { _ in Handler(log: self) }
    }

    fileprivate func append(_ level: Logger.Level, _ line: String) { lines.withLock { $0.append((level, line)) } }

    private struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            log.append(event.level, event.message.description)
        }
    }
}

extension URL {
    /// Creates an empty file here and returns the URL (for `FileHandle(forWritingTo:)`).
    func creatingEmpty() throws -> URL {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        return self
    }
}
