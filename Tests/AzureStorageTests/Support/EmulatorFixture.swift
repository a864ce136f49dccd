import AzureStorage
import Foundation
import StorageEmulator
import Testing

/// Starts the real emulator in-process on free ports with data in memory, hands a client pointed
/// at it to the test, and shuts both down whatever happens.
enum EmulatorFixture {
    static func with<T>(
        services: Set<ServiceKind> = [.blob], _ body: (RunningEmulator, StorageClient) async throws -> T
    ) async throws -> T {
        try await with(services: services, configure: { _ in }, body)
    }

    /// The same, with the emulator's (account features, say) and the client's configuration adjusted first. Only the services a suite needs are
    /// started, so a suite does not depend on services it does not use.
    static func with<T>(
        services: Set<ServiceKind> = [.blob], emulator adjust: (inout EmulatorConfiguration) -> Void = { _ in },
        configure: (inout StorageClientConfiguration) -> Void,
        _ body: (RunningEmulator, StorageClient) async throws -> T
    ) async throws -> T {
        var emulatorConfiguration = EmulatorConfiguration.ephemeral()
        emulatorConfiguration.services = services
        adjust(&emulatorConfiguration)
        let emulator = try await RunningEmulator.start(configuration: emulatorConfiguration)
        var configuration = StorageClientConfiguration()
        configuration.retry = TestClients.quickRetries
        configure(&configuration)
        let client: StorageClient
        do {
            client = try StorageClient(
                connectionString: emulator.connectionString, configuration: configuration,
                logger: TestClients.quietLogger)
        } catch {
            await emulator.shutdown()
            throw error
        }
        do {
            let result = try await body(emulator, client)
            await client.shutdown()
            await emulator.shutdown()
            return result
        } catch {
            await client.shutdown()
            await emulator.shutdown()
            throw error
        }
    }

    /// True when the emulator serves the service; a missing one fails the test.
    static func serves(_ emulator: RunningEmulator, _ service: ServiceKind) -> Bool {
        if emulator.ports[service] != nil { return true }
        Issue.record("the emulator did not start its \(service) service")
        return false
    }

    /// A container name unique to one test.
    static func containerName(_ hint: String = "t") -> String {
        "\(hint)-\(UUID().uuidString.lowercased().prefix(12))"
    }
}
