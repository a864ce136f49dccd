import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A real AF_UNIX datagram socket standing in for systemd's notify socket.
final class NotifySocket {
    let path: String
    let fd: Int32

    init(abstract: Bool = false) throws {
        let name = "ironviper-notify-\(UUID().uuidString.prefix(8))"
        path = abstract ? "@" + name : NSTemporaryDirectory() + name
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        try #require(bound == 0, "bind \(path): errno \(errno)")
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// The next datagram, waiting up to 5 s for it.
    func receive() -> String? { receive(flags: 0) }

    /// The datagram already queued, if any, without waiting: a notification is in the socket's
    /// queue when `sendto` returns, so "nothing here" right after a call means nothing was sent.
    func receiveNow() -> String? { receive(flags: Int32(MSG_DONTWAIT)) }

    /// Everything queued right now.
    func drain() -> [String] {
        var all: [String] = []
        while let next = receiveNow() { all.append(next) }
        return all
    }

    private func receive(flags: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, flags)
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
    }

    deinit {
        close(fd)
        if !path.hasPrefix("@") { unlink(path) }
    }
}
