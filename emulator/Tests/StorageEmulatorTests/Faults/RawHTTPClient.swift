import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 exchange over a plain socket, seen byte by byte: fault injection breaks connections on purpose, and
/// only a raw client can tell a reset from an orderly close, or a body shorter than its Content-Length.
struct RawHTTPClient: Sendable {
    var host = "127.0.0.1"
    var port: Int

    /// How the server ended the connection.
    enum Ending: Equatable, Sendable {
        /// An orderly end of stream (FIN).
        case closed
        /// A TCP reset (ECONNRESET or EPIPE while sending or receiving).
        case reset
    }

    struct Exchange: Sendable {
        var received: [UInt8]
        var ending: Ending

        /// Where the head ends (after the blank line), if a head arrived.
        var headEnd: Int? {
            guard received.count >= 4 else { return nil }
            for index in 0...(received.count - 4)
            where received[index] == 13 && received[index + 1] == 10 && received[index + 2] == 13 && received[index + 3] == 10 {
                return index + 4
            }
            return nil
        }
        var status: Int? {
            guard headEnd != nil, received.count >= 12 else { return nil }
            return Int(String(decoding: received[9..<12], as: UTF8.self))
        }
        /// Header values by lower-cased name.
        var headers: [String: String] {
            guard let end = headEnd else { return [:] }
            var fields: [String: String] = [:]
            for line in String(decoding: received[..<end], as: UTF8.self).split(separator: "\r\n").dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            return fields
        }
        var body: [UInt8] { headEnd.map { Array(received[$0...]) } ?? [] }
        var contentLength: Int? { headers["content-length"].flatMap { Int($0) } }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Sends `method target` with the headers and body (adding Host, Content-Length and `Connection: close`), then
    /// reads until the server closes or resets the connection.
    func exchange(_ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8] = []) async throws -> Exchange {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (name, value) in headers where name.lowercased() != "content-length" { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "PUT" || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        return try await exchange(raw: Array((head + "\r\n").utf8) + body)
    }

    /// Sends `bytes` exactly as given (malformed framing included), then reads until the server closes or resets
    /// the connection. With `halfClose`, the sending side is shut down after the bytes, as a client that has
    /// nothing more to say does: the server sees the end of the stream and can still answer.
    func exchange(raw bytes: [UInt8], halfClose: Bool = false) async throws -> Exchange {
        let host = self.host, port = self.port
        // A thread of its own: blocking on the shared NIO pool (two threads on a two-core machine) could starve the
        // very emulator this client waits for.
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(
                    with: Result { try Self.blockingExchange(host: host, port: port, bytes, halfClose: halfClose) })
            }
            thread.start()
        }
    }

    private static func blockingExchange(host: String, port: Int, _ request: [UInt8], halfClose: Bool) throws
        -> Exchange
    {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError(message: "socket: errno \(errno)") }
        defer { close(fd) }
        // A safety net so a broken test cannot hang the suite; no assertion depends on it.
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw RawHTTPError(message: "bad address \(host)") }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw RawHTTPError(message: "connect \(host):\(port): errno \(errno)") }
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == ECONNRESET || errno == EPIPE { break }  // reset while sending: read what arrived
                throw RawHTTPError(message: "send: errno \(errno)")
            }
            sent += count
        }
        if halfClose { shutdown(fd, Int32(SHUT_WR)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[..<count]
            } else if count == 0 {
                return Exchange(received: received, ending: .closed)
            } else if errno == EINTR {
                continue
            } else if errno == ECONNRESET || errno == EPIPE {
                return Exchange(received: received, ending: .reset)
            } else {
                throw RawHTTPError(message: "recv: errno \(errno) after \(received.count) bytes")
            }
        }
    }
}

struct RawHTTPError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
