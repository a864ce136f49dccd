import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One daemon per state directory: an exclusive `flock` on `daemon.lock`, held for the life of the
/// process and released by the kernel however it ends (even `kill -9`), so a stale file never blocks
/// a restart. Other commands use `holder` to find the running daemon.
package final class DaemonLock: Sendable {
    package let path: String
    private let fd: Int32

    /// Takes the lock or fails naming the process that holds it.
    package init(stateDirectory: String) throws {
        path = stateDirectory + "/daemon.lock"
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DaemonError("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.readPID(fd)
            close(fd)
            throw DaemonError(
                "another ironviper daemon (pid \(holder.map(String.init) ?? "unknown")) is already running with \(stateDirectory)")
        }
        ftruncate(fd, 0)
        let text = "\(getpid())\n"
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.fd = fd
    }

    deinit { close(fd) }

    /// The pid of the daemon holding the lock on `stateDirectory`, or nil when none runs.
    package static func holder(stateDirectory: String) -> Int32? {
        let fd = open(stateDirectory + "/daemon.lock", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil  // nobody holds it: no daemon
        }
        return readPID(fd)
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// A daemon-level failure (start, lock, wiring), with what went wrong in words.
package struct DaemonError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
