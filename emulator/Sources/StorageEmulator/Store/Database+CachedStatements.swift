import GRDB

extension Database {
    /// Runs one statement kept prepared in this connection's cache. The store's statements are fixed strings run
    /// on every request, and GRDB prepares a plain `execute(sql:)` anew each time, with its authorizer watching
    /// the parse: preparing was a sixth of the emulator's CPU under a stream of small PUTs. Fetches take
    /// `db.cachedStatement(sql:)` directly; only fixed strings belong here (each distinct string stays cached).
    func executeCached(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
