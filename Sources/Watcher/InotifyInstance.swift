import CInotifyTools
import Glibc

/// One inotify event as read from the kernel.
struct RawInotifyEvent: Sendable, Equatable {
    /// The watch it came from (-1 for `IN_Q_OVERFLOW`).
    var wd: Int32
    var mask: UInt32
    /// Pairs `IN_MOVED_FROM` with `IN_MOVED_TO`.
    var cookie: UInt32
    /// The entry's name inside the watched directory (empty for events about the directory itself).
    var name: [UInt8]
}

/// The event bits the watcher uses, as `UInt32` (the C macros import as `Int32`).
enum InotifyMask {
    static let modify = UInt32(IN_MODIFY)
    static let closeWrite = UInt32(IN_CLOSE_WRITE)
    static let movedFrom = UInt32(IN_MOVED_FROM)
    static let movedTo = UInt32(IN_MOVED_TO)
    static let create = UInt32(IN_CREATE)
    static let attrib = UInt32(IN_ATTRIB)
    static let delete = UInt32(IN_DELETE)
    static let deleteSelf = UInt32(IN_DELETE_SELF)
    static let moveSelf = UInt32(IN_MOVE_SELF)
    static let overflow = UInt32(IN_Q_OVERFLOW)
    static let ignored = UInt32(IN_IGNORED)
    static let isDirectory = UInt32(IN_ISDIR)
    /// What every directory watch asks for. `IN_EXCL_UNLINK`: no events from files already unlinked.
    static let directoryWatch =
        modify | closeWrite | movedFrom | movedTo | create | delete | deleteSelf | moveSelf | attrib
        | UInt32(IN_ONLYDIR) | UInt32(IN_DONT_FOLLOW) | UInt32(IN_EXCL_UNLINK)
}

/// Owns an inotify file descriptor and a wake-up pipe, the only C this module touches. Used by the
/// watcher's own thread only, except `wake()`, which any thread may call until `close()`.
final class InotifyInstance: @unchecked Sendable {
    let fd: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    init() throws(WatcherError) {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { throw WatcherError(.cannotStart, "", detail: "inotify_init1: \(Errno.text())") }
        var pipeEnds: [Int32] = [0, 0]
        // pipe2 is a GNU extension Glibc's module does not export; fcntl sets the same flags.
        guard pipe(&pipeEnds) == 0,
            pipeEnds.allSatisfy({ fcntl($0, F_SETFL, O_NONBLOCK) == 0 && fcntl($0, F_SETFD, FD_CLOEXEC) == 0 })
        else {
            let detail = "pipe2: \(Errno.text())"
            Glibc.close(fd)
            throw WatcherError(.cannotStart, "", detail: detail)
        }
        self.fd = fd
        wakeRead = pipeEnds[0]
        wakeWrite = pipeEnds[1]
    }

    /// Adds (or refreshes) the watch of a directory: its watch descriptor, or the errno. Only a root may
    /// be a symbolic link to a directory (`~/Pictures` often is); below it, links are not followed.
    func addWatch(_ path: [UInt8], followLink: Bool) -> Result<Int32, Errno> {
        let mask = followLink ? InotifyMask.directoryWatch & ~UInt32(IN_DONT_FOLLOW) : InotifyMask.directoryWatch
        let wd = PathBytes.withCString(path) { inotify_add_watch(fd, $0, mask) }
        return wd >= 0 ? .success(wd) : .failure(Errno(code: errno))
    }

    /// Removes a watch; failures (the directory already gone) do not matter.
    func removeWatch(_ wd: Int32) {
        _ = inotify_rm_watch(fd, wd)
    }

    /// What woke a `wait`.
    struct Readiness {
        var events = false
        var wakeUp = false
    }

    /// Blocks until events arrive (if `forEvents`), `wake()` is called or `timeoutMs` passes (-1: no timeout).
    func wait(timeoutMs: Int32, forEvents: Bool = true) -> Readiness {
        var fds = [
            pollfd(fd: forEvents ? fd : -1, events: Int16(POLLIN), revents: 0),  // poll skips a negative fd
            pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
        ]
        let ready = poll(&fds, 2, timeoutMs)
        guard ready > 0 else { return Readiness() }
        return Readiness(events: fds[0].revents != 0, wakeUp: fds[1].revents != 0)
    }

    /// Interrupts a `wait` from any thread.
    func wake() {
        var one: UInt8 = 1
        _ = write(wakeWrite, &one, 1)
    }

    /// Empties the wake-up pipe.
    func drainWakeUps() {
        var sink = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &sink, sink.count) > 0 {}
    }

    /// Reads every queued event without blocking (empty when none).
    func readEvents() -> [RawInotifyEvent] {
        var events: [RawInotifyEvent] = []
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { return events }
            buffer.withUnsafeBytes { raw in
                var offset = 0
                let header = MemoryLayout<inotify_event>.size
                while offset + header <= count {
                    let wd = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                    let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    let cookie = raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
                    let length = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                    // The kernel pads names with NULs to an alignment boundary.
                    let name = raw[(offset + header)..<(offset + header + length)].prefix { $0 != 0 }
                    events.append(RawInotifyEvent(wd: wd, mask: mask, cookie: cookie, name: Array(name)))
                    offset += header + length
                }
            }
        }
    }

    /// Closes the descriptors; `wake()` must not be called afterwards.
    func close() {
        Glibc.close(fd)
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }
}

/// An errno value with its text.
struct Errno: Error, Sendable {
    var code: Int32
    var text: String { String(cString: strerror(code)) }
    static func text() -> String { String(cString: strerror(errno)) }
}
