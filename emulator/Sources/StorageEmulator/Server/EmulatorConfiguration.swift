import Foundation

/// Everything the emulator can be told at start, mirroring Azurite's command line.
public struct EmulatorConfiguration: Sendable {
    /// Where one service listens. Port 0 picks a free port; the bound one is reported on the ready line.
    public struct Endpoint: Sendable, Equatable {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    public var blob = Endpoint(host: "127.0.0.1", port: ServiceKind.blob.defaultPort)
    public var queue = Endpoint(host: "127.0.0.1", port: ServiceKind.queue.defaultPort)
    public var table = Endpoint(host: "127.0.0.1", port: ServiceKind.table.defaultPort)
    /// Which services to start (Azurite can run each alone).
    public var services: Set<ServiceKind> = Set(ServiceKind.allCases)
    /// The data directory; nil keeps everything in memory (`--inMemoryPersistence`).
    public var location: String? = "."
    public var accounts: [StorageAccount] = [.development]
    /// Azurite's `--loose`: accepted; unsupported headers are ignored rather than refused.
    public var loose = false
    /// Azurite's `--skipApiVersionCheck`: accepted; the emulator takes any well-formed `x-ms-version` anyway.
    public var skipApiVersionCheck = false
    /// When set, each request and its outcome is appended to this file (Azurite's `--debug`).
    public var debugLogPath: String?
    /// Azurite's `--silent`: no access log on standard output.
    public var silent = false
    /// How long the file of a deleted or overwritten blob stays on disk, so that a download which looked
    /// it up just before can still open it. Tests set it to zero to watch space being given back.
    public var unlinkGracePeriod: Duration = .seconds(30)
    /// How long a connection may send nothing the server can use (no complete request head, no body bytes) or sit
    /// idle between requests before the server closes it. Without it, clients that open connections and send half a
    /// request head would hold sockets and memory forever. A response being written is never cut short by it.
    public var idleTimeout: Duration = .seconds(30)
    /// How many connections each service's port holds open at once; one more is answered 503 `ServerBusy` and
    /// closed (`ConnectionLimit`). Three ports at this bound stay well under the usual limit of 1024 open files.
    public var maximumConnections = 256
    /// The faults to inject from the start (none by default); replaceable at run time through
    /// `StorageEmulator.faults` or the loopback-only admin endpoint `/_ironviper/faults`.
    public var faults: FaultPlan = .none
    /// Serve Prometheus metrics at `/metrics` on every service's port (`--metrics`). Off by default: an
    /// emulator embedded in the daemon or a test must not answer more than Azure's paths unless asked.
    public var metrics = false
    /// Per-account blob features Azure switches on in its management plane (versioning, soft delete,
    /// version-level immutability): `--account-config FILE`, `--versioning`. Accounts not named have none.
    public var accountFeatures: [String: AccountFeatures] = [:]

    public init() {}

    /// The endpoint of a service.
    public func endpoint(_ kind: ServiceKind) -> Endpoint {
        switch kind {
        case .blob: blob
        case .queue: queue
        case .table: table
        }
    }

    /// A configuration for tests and embedding: every service on a free loopback port, data in memory
    /// unless `location` is given, no access log.
    public static func ephemeral(location: String? = nil) -> EmulatorConfiguration {
        var configuration = EmulatorConfiguration()
        configuration.blob.port = 0
        configuration.queue.port = 0
        configuration.table.port = 0
        configuration.location = location
        configuration.silent = true
        return configuration
    }
}
