import Foundation
import BackupDaemon
import Logging

/// Only the executable bootstraps logging; every library takes a Logger. The daemon logs its
/// and the worker log their progress (info); the one-shot commands only what went wrong. IRONVIPER_LOG_LEVEL overrides both.
enum LoggingSetup {
    static func bootstrap(arguments: [String] = CommandLine.arguments) {
        let isDaemon = ["run", "worker"].contains(arguments.dropFirst().first ?? "")
        let level =
            ProcessInfo.processInfo.environment["IRONVIPER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
            ?? (isDaemon ? .info : .warning)
        LoggingSystem.bootstrap { label in JournalLogHandler(label: label, level: level) }
    }
}
