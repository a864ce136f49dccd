import Foundation
import GRDB
import Logging

/// The one place that lists the emulator's services: their handlers, their database migrations,
/// where SAS stored access policies are found, and their background maintenance.
enum EmulatorServices {
    /// Every service's schema, in the order they were introduced (never reorder: they are applied by name).
    static let migrations: [(String, @Sendable (Database) throws -> Void)] = BlobSchema.migrations + QueueSchema.migrations + TableSchema.migrations

    static func handlers(store: EmulatorStore, features: [String: AccountFeatures] = [:]) -> [any StorageServiceHandler] {
        [BlobService(store: BlobStore(store: store), features: features), QueueService(store: store), TableService(store: store)]
    }

    static func policyLookup(store: EmulatorStore) -> any StoredAccessPolicyLookup {
        StorePolicyLookup(blobs: BlobStore(store: store), queues: QueueStore(store: store), tables: TableStore(store: store))
    }

    /// Sweeps the data directory of files left by a crash (older than `started` and referenced by no row).
    /// Runs as a child of the emulator's service, so it ends with it instead of outliving a shutdown.
    static func sweepLeftovers(store: EmulatorStore, started: Date, logger: Logger) async {
        do {
            let removed = try await BlobStore(store: store).sweepUnreferencedFiles(olderThan: started)
            if removed > 0 { logger.info("swept files left by an earlier crash", metadata: ["files": "\(removed)"]) }
        } catch is CancellationError {
            return
        } catch {
            logger.warning("sweep of unreferenced data files failed", metadata: ["error": "\(error)"])
        }
    }
}

/// Finds stored access policies in the ACL of the container, queue or table a SAS names.
struct StorePolicyLookup: StoredAccessPolicyLookup {
    let blobs: BlobStore
    let queues: QueueStore
    let tables: TableStore

    func storedPolicies(account: String, service: ServiceKind, resource: String) async throws -> [StoredAccessPolicy] {
        switch service {
        case .blob: try await blobs.containerPolicies(account: account, container: resource)
        case .queue: try await queues.policies(account: account, name: resource) ?? []
        case .table: try await tables.tablePolicies(account: account, table: resource) ?? []
        }
    }
}
