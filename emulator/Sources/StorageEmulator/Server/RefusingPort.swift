#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP port where a service is down, for tests of clients: the socket is bound but never listens, so a
/// connection to it is refused (RST, curl's "couldn't connect") and, while this object lives, the kernel hands the
/// port to no other socket. Freeing a server's port instead lets a test running in parallel bind it again, and the
/// "unreachable" client then talks to that test's server.
public final class RefusingPort: Sendable {
    /// The bound port on 127.0.0.1.
    public let port: Int
    private let descriptor: Int32

    public init() throws(RefusingPortError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RefusingPortError("socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            let error = errno
            close(fd)
            throw RefusingPortError("bind or getsockname on 127.0.0.1: errno \(error)")
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}

public struct RefusingPortError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
