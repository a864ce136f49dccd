import Foundation

/// `[web] listen`: `host:port` (`127.0.0.1:8780`, `[::1]:8780`, `localhost:8780`, `0.0.0.0:8780`); port 0 picks
/// a free one (tests). Parsed once so the loopback rule and the Host check read the same host.
package struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// The daemon's default: loopback only.
    package static let defaultAddress = ListenAddress(host: "127.0.0.1", port: 8780)

    /// Parses `text`, or returns nil for anything that is not `host:port` with a port 0–65535.
    package init?(_ text: String) {
        let host: Substring
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return nil
            }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let number = Int(port), (0...65535).contains(number) else { return nil }
        self.init(host: String(host), port: number)
    }

    /// Only this machine can connect: 127.0.0.0/8, ::1 or `localhost`.
    package var isLoopback: Bool {
        if host == "localhost" || host == "::1" { return true }
        var address = in_addr()
        return inet_pton(AF_INET, host, &address) == 1 && UInt32(bigEndian: address.s_addr) >> 24 == 127
    }

    package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
