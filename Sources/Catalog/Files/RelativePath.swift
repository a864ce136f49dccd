import GRDB

/// Paths relative to a library root, compared as bytes (as the kernel and SQLite do): Swift's
/// `String ==` and `hasPrefix` treat canonically equivalent spellings (a composed and a decomposed
/// "é") as equal, and two such files can sit side by side on disk.
package enum RelativePath {
    /// Whether `path` is `prefix` or lies under it ("" covers everything).
    package static func covers(_ prefix: String, _ path: String) -> Bool {
        prefix.isEmpty || path.utf8.elementsEqual(prefix.utf8) || path.utf8.starts(with: (prefix + "/").utf8)
    }

    /// SQL for a `path` column at `prefix` or under it: a range the (library_id, path) index serves,
    /// not LIKE or substr (which count characters); SQLite compares TEXT as UTF-8 bytes, and '0' is
    /// the byte after '/'.
    static func subtree(_ column: Column = Column("path"), at prefix: String) -> SQLExpression {
        column == prefix || (column > prefix + "/" && column < prefix + "0")
    }
}
