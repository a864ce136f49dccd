import BackupDaemon
import Testing

/// `[metrics] listen`: loopback on 9780 unless told otherwise, "off" for nothing, bad addresses refused.
@Suite("Metrics configuration")
struct MetricsConfigurationTests {
    static let library = "[[library]]\nname = \"photos\"\npath = \"/srv/photos\"\n"

    @Test func theDefaultIsLoopbackOn9780() throws {
        let configuration = try DaemonConfiguration.parse(Self.library)
        #expect(configuration.metrics.listen == .init(host: "127.0.0.1", port: 9780))
    }

    @Test func anAddressAPortZeroOrOff() throws {
        #expect(
            try DaemonConfiguration.parse(Self.library + "[metrics]\nlisten = \"0.0.0.0:9100\"\n").metrics.listen
                == .init(host: "0.0.0.0", port: 9100))
        #expect(
            try DaemonConfiguration.parse(Self.library + "[metrics]\nlisten = \"[::1]:0\"\n").metrics.listen
                == .init(host: "::1", port: 0))
        #expect(try DaemonConfiguration.parse(Self.library + "[metrics]\nlisten = \"off\"\n").metrics.listen == nil)
    }

    @Test func aBadAddressOrAnUnknownKeyIsRefused() {
        for bad in [
            "listen = \"9780\"", "listen = \"127.0.0.1:http\"", "listen = \":9780\"", "listen = \"h:70000\"",
            "port = 9780",
        ] {
            #expect(throws: ConfigurationError.self, "\(bad)") {
                try DaemonConfiguration.parse(Self.library + "[metrics]\n\(bad)\n")
            }
        }
    }
}
