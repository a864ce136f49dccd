import AzureStorage
import Catalog
import Foundation
import Logging
import Synchronization

/// The daemon's side of `[previews] where = "cloud"`: learns from the `files` rows what
/// `ironviper worker` found (facts, renditions, or why there are none), so search, `show` and
/// `status` know it offline. One point read per waiting content, a bounded number per look, in turn
/// (a cursor goes round), so content the worker has not reached yet does not starve the rest.
package final class CloudDescriptions: Sendable {
    private let catalog: Catalog
    private let storage: StorageClient
    private let device: DeviceKeys
    private let logger: Logger
    private let cursor = Mutex<Int64>(0)

    package init(catalog: Catalog, storage: StorageClient, device: DeviceKeys, logger: Logger) {
        self.catalog = catalog
        self.storage = storage
        self.device = device
        self.logger = logger
    }

    /// Looks at up to `limit` waiting contents after the cursor, and at the poison queue's length;
    /// returns how many were learned.
    @discardableResult
    package func learn(limit: Int = 100) async throws -> Int {
        try catalog.recordPoisonedExtractMessages(
            try await storage.queues.approximateMessageCount(queue: CloudKeys.extractPoisonQueue) ?? 0)
        var waiting = try catalog.awaitingCloudDescription(after: cursor.withLock { $0 }, limit: limit)
        if waiting.isEmpty {
            cursor.withLock { $0 = 0 }  // round again from the oldest
            waiting = try catalog.awaitingCloudDescription(after: 0, limit: limit)
        }
        var learned = 0
        for content in waiting {
            cursor.withLock { $0 = content.assetId }
            let row: TableEntity?
            do {
                row = try await storage.tables.get(
                    partitionKey: device.filesPartition(library: content.library),
                    rowKey: CloudKeys.fileRowKey(path: content.path), from: CloudKeys.filesTable)
            } catch let error as AzureStorageError where error.isNotFound {
                row = nil
            }
            guard let row, row["sha256"]?.string == content.sha256,
                let description = DescriptionFields.learned(from: row, sha256: content.sha256)
            else { continue }
            if try catalog.learnDescription(
                sha256: content.sha256, description, from: (content.library, content.path), at: Timestamp.now()) {
                learned += 1
                logger.debug("learned a description made in the cloud", metadata: ["sha256": "\(content.sha256)"])
            }
        }
        return learned
    }
}
