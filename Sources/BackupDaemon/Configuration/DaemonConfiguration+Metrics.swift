import Foundation

extension DaemonConfiguration {
    /// `[metrics]`: where the daemon serves Prometheus metrics. Loopback by default: the figures describe the
    /// library (file counts, problems), and a scraper on the same host, or a reverse proxy, is the way out.
    package struct Metrics: Sendable, Equatable {
        /// Host and port to listen on; nil (`listen = "off"`) serves nothing. Port 0 takes a free one.
        package var listen: Listen? = Listen(host: "127.0.0.1", port: 9780)

        package init() {}
    }

    package struct Listen: Sendable, Equatable {
        package var host: String
        package var port: Int

        package init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `"127.0.0.1:9780"`, `"[::1]:9780"`, `"0.0.0.0:9780"`, or `"off"` (nil).
        static func parse(_ text: String, key: String) throws -> Listen? {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.lowercased() == "off" { return nil }
            guard let colon = trimmed.lastIndex(of: ":"), let port = Int(trimmed[trimmed.index(after: colon)...]),
                (0...65535).contains(port)
            else {
                throw ConfigurationError(
                    key: key, "must be \"HOST:PORT\" (such as \"127.0.0.1:9780\") or \"off\", not \"\(text)\"")
            }
            var host = String(trimmed[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { throw ConfigurationError(key: key, "names no host: \"\(text)\"") }
            return Listen(host: host, port: port)
        }
    }
}
