/// The one error type of the Catalog module: a code, the path or query concerned, and the
/// underlying text (SQLite's message with the failing SQL, errno's text).
package struct CatalogError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    package enum Code: String, Sendable {
        /// The database could not be opened, migrated or written.
        case database
        /// A file could not be read or stat'ed, a preview not written.
        case io
        /// A search query could not be understood.
        case badQuery
        /// `show` found no file or asset by that path or hash.
        case notFound
        /// A tag or rating the gallery was given is not one the catalog keeps (empty, too long, out of range).
        case invalid
    }

    /// The failure class.
    package var code: Code
    /// The file, folder or query concerned.
    package var subject: String
    /// The underlying error text.
    package var detail: String?

    /// Makes an error.
    package init(_ code: Code, _ subject: String, detail: String? = nil) {
        self.code = code
        self.subject = subject
        self.detail = detail
    }

    /// One line for logs and the command line.
    package var description: String { "\(code.rawValue) \(subject): \(detail ?? "no detail")" }
}
