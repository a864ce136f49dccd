#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import NIOCore

/// Hummingbird's basic context plus the connection itself: fault injection must be able to reset or cut the
/// connection, and the admin endpoint must know who is calling.
struct EmulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Whether the peer is on this machine (127.0.0.0/8, ::1, or an IPv4-mapped loopback address).
    var peerIsLoopback: Bool { Self.isLoopback(channel.remoteAddress) }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let address else { return false }
        switch address {
        case .unixDomainSocket: return true
        case .v4(let v4):
            // sin_addr is in network byte order: the first octet is the lowest byte in memory.
            return UInt32(bigEndian: v4.address.sin_addr.s_addr) >> 24 == 127
        case .v6:
            guard let ip = address.ipAddress?.lowercased() else { return false }
            return ip == "::1" || ip.hasPrefix("::ffff:127.")
        }
    }
}

extension Channel {
    /// Closes the connection with a TCP reset (SO_LINGER 0), as a crashed server or a middlebox would: the client
    /// sees ECONNRESET rather than an orderly end of stream.
    func resetConnection() async {
        if let socket = self as? any SocketOptionProvider {
            try? await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await close().get()
    }

    /// Closes the connection in order (FIN): the client sees the stream end early.
    func closeConnection() async {
        try? await close().get()
    }
}
