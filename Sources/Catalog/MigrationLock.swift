import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Holds an exclusive `flock` on `<catalog>.migrating` while the catalog is migrated. Two processes opening
/// one catalog for the first time (the daemon starting while `ironviper status` polls it) would otherwise both
/// see a migration as unapplied, and the second would fail on what the first just did ("duplicate column
/// name"), taking the daemon down. SQLite's own locks serialize each migration, not the look before it.
enum MigrationLock {
    static func holding<T>(catalog path: String, _ body: () throws -> T) throws -> T {
        let lockPath = path + ".migrating"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CatalogError(.io, lockPath, detail: "cannot open the migration lock: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }  // closing releases the lock
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw CatalogError(.io, lockPath, detail: "cannot take the migration lock: \(String(cString: strerror(errno)))")
            }
        }
        return try body()
    }
}
