/// The one error type of the Sync module: what failed, for which outbox row, and why.
package struct SyncError: Error, CustomStringConvertible, Sendable {
    /// The failure class.
    package enum Code: String, Sendable {
        /// The content has no readable local copy left (every path changed or vanished).
        case noLocalCopy
        /// The cloud holds something else under a content-addressed name.
        case conflict
        /// The row or the catalog lacks what the work needs (a payload field, an asset).
        case badRow
        /// The catalog could not be read or written.
        case catalog
        /// Restored or verified bytes hash to another SHA-256 than their name says.
        case integrity
        /// A local file or folder could not be read, written, renamed or timed.
        case fileSystem
        /// A request that cannot be carried out as given (a time that does not parse, no tables).
        case invalidArgument
    }

    /// The failure class.
    package var code: Code
    /// The outbox row's kind and target.
    package var subject: String
    /// The underlying text.
    package var detail: String
    /// True when retrying soon cannot help: the row is parked at once.
    package var permanent: Bool

    /// Makes an error.
    package init(_ code: Code, _ subject: String, detail: String, permanent: Bool = false) {
        self.code = code
        self.subject = subject
        self.detail = detail
        self.permanent = permanent
    }

    /// One line for logs and `status`.
    package var description: String { "\(code.rawValue) \(subject): \(detail)" }
}
