import Foundation
import Testing

@testable import StorageEmulator

#if canImport(Glibc)
import Glibc
#endif

/// A port holds a bounded number of connections: one more is answered 503 ServerBusy (not a crash, not a hang),
/// and once a held connection is answered and closed by the server, a new one is served again.
@Suite struct ConnectionLimitTests {
    /// A kept-alive connection, sending unauthenticated listings (answered 403, or 503 when refused).
    final class HeldConnection {
        let fd: Int32
        let port: Int

        init(port: Int) throws {
            self.port = port
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard fd >= 0, connected == 0 else { throw RawHTTPError(message: "connect: errno \(errno)") }
        }

        /// Sends one request and reads its whole response: to its Content-Length, or with `close` until the server
        /// closes the connection (from then its slot is free).
        func request(close: Bool) -> String {
            let request =
                "GET /devstoreaccount1/?comp=list HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
                + (close ? "Connection: close\r\n" : "") + "\r\n"
            _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while close || !Self.complete(received) {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                received += buffer[..<count]
            }
            return String(decoding: received, as: UTF8.self)
        }

        /// Whether `bytes` hold a head and as many body bytes as its Content-Length says.
        static func complete(_ bytes: [UInt8]) -> Bool {
            let exchange = RawHTTPClient.Exchange(received: bytes, ending: .closed)
            guard let end = exchange.headEnd, let length = exchange.contentLength else { return false }
            return bytes.count >= end + length
        }

        deinit { Glibc.close(fd) }
    }

    @Test func oneConnectionOverTheBoundIsAnsweredServerBusy() async throws {
        var configuration = EmulatorConfiguration.ephemeral()
        configuration.maximumConnections = 2
        let emulator = try await RunningEmulator.start(configuration: configuration)
        do {
            let port = try #require(emulator.ports[.blob])
            let raw = RawHTTPClient(port: port)
            let sas = TestSAS.account(services: "b", resourceTypes: "s", permissions: "l")
            // Each held connection is answered once (so it was admitted) and kept alive.
            let held = [try HeldConnection(port: port), try HeldConnection(port: port)]
            for connection in held { #expect(connection.request(close: false).hasPrefix("HTTP/1.1 403")) }
            let refused = try await raw.exchange("GET", "/devstoreaccount1/?comp=list&\(sas)")
            #expect(refused.status == 503 && refused.headers["x-ms-error-code"] == "ServerBusy", "\(refused.text)")
            #expect(refused.ending == .closed)
            // The other ports have slots of their own.
            let queue = RawHTTPClient(port: try #require(emulator.ports[.queue]))
            let queueSAS = TestSAS.account(services: "q", resourceTypes: "s", permissions: "l")
            #expect(try await queue.exchange("GET", "/devstoreaccount1/?comp=list&\(queueSAS)").status == 200)
            // The held connections are still served; once the server has closed them, a new one is too.
            for connection in held { #expect(connection.request(close: true).hasPrefix("HTTP/1.1 403")) }
            let served = try await raw.exchange("GET", "/devstoreaccount1/?comp=list&\(sas)")
            #expect(served.status == 200, "\(served.text)")
        } catch {
            await emulator.shutdown()
            throw error
        }
        await emulator.shutdown()
    }
}
