import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// An emulator started in-process, for tests and for embedding: `start` returns once every
/// service is listening; `shutdown` stops it gracefully.
///
/// ```swift
/// let emulator = try await RunningEmulator.start()           // free ports, in memory
/// let url = emulator.endpoint(.blob)                         // http://127.0.0.1:PORT/devstoreaccount1
/// defer { Task { await emulator.shutdown() } }
/// ```
public final class RunningEmulator: Sendable {
    /// The bound port of each running service.
    public let ports: [ServiceKind: Int]
    public let host: String
    public let store: EmulatorStore
    /// The fault plan in force: tests replace it between steps.
    public let faults: FaultInjector
    /// `http`, or `https` when the configuration has `tls`.
    public let scheme: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts the emulator; by default on free loopback ports with data in memory.
    public static func start(
        configuration: EmulatorConfiguration = .ephemeral(), logger: Logger = Logger(label: "ironviper.emulator")
    ) async throws -> RunningEmulator {
        // Listeners report only once the group runs, after `expected` is known.
        let expected = NIOLockedValueBox(Int.max)
        let bound = NIOLockedValueBox<[ServiceKind: Int]>([:])
        let (readiness, continuation) = AsyncStream<Void>.makeStream()
        let emulator = try StorageEmulator(configuration: configuration, logger: logger) { kind, _, port in
            let count = bound.withLockedValue { ports -> Int in
                ports[kind] = port
                return ports.count
            }
            if count == expected.withLockedValue({ $0 }) { continuation.finish() }
        }
        let running = emulator.serviceCount
        expected.withLockedValue { $0 = running }
        if running == 0 { continuation.finish() }
        let group = ServiceGroup(
            configuration: .init(services: [emulator], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        // Wait for every listener, or for the group to fail first (a port in use, say).
        let waiter = Task {
            for await _ in readiness {}
        }
        let failure = Task {
            do { try await task.value } catch { continuation.finish() }
        }
        await waiter.value
        failure.cancel()
        let ports = bound.withLockedValue { $0 }
        guard ports.count == running else {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
            throw EmulatorConfigurationError("the emulator did not start: bound \(ports), expected \(running) services")
        }
        return RunningEmulator(
            ports: ports, host: configuration.blob.host, store: emulator.store, faults: emulator.faults,
            scheme: configuration.scheme, group: group, task: task)
    }

    private init(
        ports: [ServiceKind: Int], host: String, store: EmulatorStore, faults: FaultInjector, scheme: String,
        group: ServiceGroup, task: Task<Void, any Error>
    ) {
        self.scheme = scheme
        self.ports = ports
        self.host = host
        self.store = store
        self.faults = faults
        self.group = group
        self.task = task
    }

    /// `SCHEME://HOST:PORT/ACCOUNT` for a service (path-style, as Azurite).
    public func endpoint(_ kind: ServiceKind, account: String = StorageAccount.developmentAccountName) -> String {
        "\(scheme)://\(host):\(ports[kind] ?? 0)/\(account)"
    }

    /// A connection string for the development account pointing at this emulator's ports.
    public var connectionString: String {
        var parts = [
            "DefaultEndpointsProtocol=\(scheme)", "AccountName=\(StorageAccount.developmentAccountName)",
            "AccountKey=\(StorageAccount.developmentAccountKey)",
        ]
        if ports[.blob] != nil { parts.append("BlobEndpoint=\(endpoint(.blob))") }
        if ports[.queue] != nil { parts.append("QueueEndpoint=\(endpoint(.queue))") }
        if ports[.table] != nil { parts.append("TableEndpoint=\(endpoint(.table))") }
        return parts.joined(separator: ";") + ";"
    }

    /// Stops accepting requests, lets in-flight ones finish, and waits until the services have stopped.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
