import Foundation
import StorageEmulator
import Testing

/// A client that opens a connection and sends half a request head used to hold it open forever (200 of them held
/// 200 sockets). The server now closes a connection that sends nothing usable for `idleTimeout`.
@Suite struct IdleConnectionTests {
    @Test func aConnectionStuckInItsRequestHeadIsClosed() async throws {
        var configuration = EmulatorConfiguration.ephemeral()
        configuration.idleTimeout = .milliseconds(200)
        let emulator = try await RunningEmulator.start(configuration: configuration)
        do {
            let raw = RawHTTPClient(port: try #require(emulator.ports[.blob]))
            let partial = Array("GET /devstoreaccount1/c?restype=container HTTP/1.1\r\nHost: 127.0.0.1\r\nx-ms-".utf8)
            // Returns when the server ends the connection; the client's 20-second receive timeout is only a net
            // for a broken build, which this test then reports as an error.
            let exchange = try await raw.exchange(raw: partial)
            #expect(exchange.ending == .closed)
            #expect(exchange.received.isEmpty, "no response to a request that never arrived")
        } catch {
            await emulator.shutdown()
            throw error
        }
        await emulator.shutdown()
    }
}
