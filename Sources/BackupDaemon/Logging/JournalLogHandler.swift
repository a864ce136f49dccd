import Foundation
import Logging

/// Log lines on standard error, each prefixed with its syslog priority (`<3>` error … `<7>` debug)
/// when standard error is the journal (`$JOURNAL_STREAM`), which journald turns into the entry's
/// priority: `journalctl -p warning -u ironviper` then shows what it should. In a terminal the line
/// carries the level as a word instead.
package struct JournalLogHandler: LogHandler {
    package var logLevel: Logger.Level
    package var metadata: Logger.Metadata = [:]
    let label: String
    let toJournal: Bool

    package init(label: String, level: Logger.Level, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.label = label
        self.logLevel = level
        toJournal = environment["JOURNAL_STREAM"].map { !$0.isEmpty } ?? false
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let details = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let line: String
        if toJournal {
            line = "<\(Self.priority(event.level))>\(event.message)\(details)\n"
        } else {
            line = "\(HTTPDateStamp.now()) \(event.level) \(label): \(event.message)\(details)\n"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// syslog priorities, as sd-daemon(3) defines the prefixes.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}

/// A compact local timestamp for terminal logs.
enum HTTPDateStamp {
    static func now() -> String {
        Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
    }
}
