/// The one error type of the Watcher module: a code, the path concerned and the system's own text.
package struct WatcherError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    package enum Code: String, Sendable {
        /// The inotify instance or the wake-up pipe could not be created (`max_user_instances`, file limits).
        case cannotStart
        /// A root to watch does not exist or is not a directory.
        case notADirectory
        /// A root exists but the kernel refused its watch for a reason other than the watch limit.
        case cannotWatch
    }

    /// The failure class.
    package var code: Code
    /// The root or directory concerned (empty when none).
    package var path: String
    /// errno's text or another explanation.
    package var detail: String?

    /// Makes an error.
    package init(_ code: Code, _ path: String, detail: String? = nil) {
        self.code = code
        self.path = path
        self.detail = detail
    }

    /// One line for logs and the command line.
    package var description: String { "\(code.rawValue) \(path): \(detail ?? "no detail")" }
}
