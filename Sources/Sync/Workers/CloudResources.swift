import AzureStorage
import Synchronization

/// Creates containers, tables and queues the first time a worker needs them, once per engine;
/// creating one that exists is harmless, so two engines racing is fine.
package final class CloudResources: Sendable {
    private let storage: StorageClient
    private let made = Mutex<Set<String>>([])

    package init(storage: StorageClient) {
        self.storage = storage
    }

    package func ensure(container name: String) async throws {
        try await ensure("container:" + name) { _ = try await self.storage.blobs.createContainer(name) }
    }

    package func ensure(table name: String) async throws {
        try await ensure("table:" + name) { _ = try await self.storage.tables.createTable(name) }
    }

    package func ensure(queue name: String) async throws {
        try await ensure("queue:" + name) { _ = try await self.storage.queues.createQueue(name) }
    }

    private func ensure(_ key: String, create: @Sendable () async throws -> Void) async throws {
        if made.withLock({ $0.contains(key) }) { return }
        try await create()
        made.withLock { _ = $0.insert(key) }
    }
}
