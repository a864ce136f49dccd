import Catalog
import Glibc

/// Opening a library file for reading, safely: a path that was a regular file when it was listed may be
/// a FIFO, a socket or a device by the time it is opened (replaced, or a hostile library), and a plain
/// `open` of a FIFO waits for a writer forever. Opened without blocking and without following a link,
/// it is refused unless it is still a regular file.
enum RegularFile {
    /// A read-only descriptor of the regular file at `path`; the caller closes it.
    static func open(_ path: String) throws -> Int32 {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW)
        guard fd >= 0 else { throw CatalogError(.io, path, detail: "open: \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw CatalogError(.io, path, detail: "not a regular file any more (a FIFO, socket or device took its place)")
        }
        _ = fcntl(fd, F_SETFL, O_RDONLY)  // blocking reads again (a regular file never blocks anyway)
        return fd
    }
}
