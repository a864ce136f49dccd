import Foundation
import Logging

// Only the executable bootstraps logging; every library takes a Logger.
let level = ProcessInfo.processInfo.environment["IRONVIPER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = level
    return handler
}
IronviperCommand.main()
