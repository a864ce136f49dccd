import AzureStorage
import CoreMetrics
import Foundation
import Logging
import StorageEmulator

/// Where the daemon's cloud copy lives: Azure (or any endpoint) through a connection string, or,
/// when none is configured, the bundled emulator started in this process with its data in the state
/// directory — backup works out of the box and offline, and a connection string later moves it to Azure.
/// Another process (`restore`, `verify`) finding the daemon running reaches that emulator on its ports:
/// the daemon owns them and the data.
package final class StorageBackend: Sendable {
    package let client: StorageClient
    /// For logs and `status`: the account and endpoint, never the key.
    package let summary: String
    private let emulator: RunningEmulator?

    private init(client: StorageClient, summary: String, emulator: RunningEmulator?) {
        self.client = client
        self.summary = summary
        self.emulator = emulator
    }

    /// `metrics` receives the client's request metrics, `observer` each answered request (the billing ledger).
    package static func start(
        configuration: DaemonConfiguration, stateDirectory: String,
        environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger,
        metrics: (any MetricsFactory)? = nil, observer: (any RequestObserver)? = nil
    ) async throws -> StorageBackend {
        var clientConfiguration = StorageClientConfiguration()
        if let metrics { clientConfiguration.metrics = metrics }
        clientConfiguration.observer = observer
        clientConfiguration.transport.maxConcurrentRequests = max(clientConfiguration.transport.maxConcurrentRequests, configuration.sync.concurrency)
        if let (connectionString, source) = try StorageSecret.connectionString(configuration: configuration, environment: environment) {
            let connection: StorageConnection
            do {
                connection = try StorageConnection(connectionString: connectionString)
            } catch {
                throw ConfigurationError(key: "storage.connection_string", "(from the \(source.rawValue)) \(error)")
            }
            let client = try StorageClient(connection: connection, configuration: clientConfiguration, logger: logger)
            let endpoint = (try? connection.endpoint(.blob)) ?? "no blob endpoint"
            let account = connection.accountName ?? "(SAS only)"
            return StorageBackend(
                client: client, summary: "account \(account) at \(endpoint) (connection string from the \(source.rawValue))",
                emulator: nil)
        }
        if let pid = DaemonLock.holder(stateDirectory: stateDirectory), pid != getpid() {
            let emulator = configuration.emulator
            let host = emulator.host == "0.0.0.0" ? "127.0.0.1" : emulator.host
            var connection = StorageConnection.development
            let account = connection.accountName ?? "devstoreaccount1"
            connection.blobEndpoint = "http://\(host):\(emulator.blobPort)/\(account)"
            connection.queueEndpoint = "http://\(host):\(emulator.queuePort)/\(account)"
            connection.tableEndpoint = "http://\(host):\(emulator.tablePort)/\(account)"
            let client = try StorageClient(connection: connection, configuration: clientConfiguration, logger: logger)
            return StorageBackend(
                client: client, summary: "the bundled emulator of the running daemon (pid \(pid)) at \(connection.blobEndpoint ?? "")",
                emulator: nil)
        }
        var emulatorConfiguration = EmulatorConfiguration()
        emulatorConfiguration.location = stateDirectory + "/emulator"
        emulatorConfiguration.silent = true
        let host = configuration.emulator.host
        emulatorConfiguration.blob = .init(host: host, port: configuration.emulator.blobPort)
        emulatorConfiguration.queue = .init(host: host, port: configuration.emulator.queuePort)
        emulatorConfiguration.table = .init(host: host, port: configuration.emulator.tablePort)
        let emulator = try await RunningEmulator.start(configuration: emulatorConfiguration, logger: logger)
        do {
            let client = try StorageClient(
                connectionString: emulator.connectionString, configuration: clientConfiguration, logger: logger)
            return StorageBackend(
                client: client, summary: "bundled emulator at \(emulator.endpoint(.blob)) (data in \(stateDirectory)/emulator)",
                emulator: emulator)
        } catch {
            await emulator.shutdown()
            throw error
        }
    }

    /// The emulator's connection string, for tools that want to look at what was stored.
    package var emulatorConnectionString: String? { emulator?.connectionString }

    package func shutdown() async {
        await client.shutdown()
        await emulator?.shutdown()
    }

    /// Runs `body` with this backend, then shuts it down, whether `body` finished or threw (a command's
    /// one use of the cloud).
    package func use<T: Sendable>(_ body: (StorageBackend) async throws -> T) async throws -> T {
        let result: T
        do {
            result = try await body(self)
        } catch {
            await shutdown()
            throw error
        }
        await shutdown()
        return result
    }
}
