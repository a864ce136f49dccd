import AzureStorage
import Catalog
import Foundation
import Sync

/// Merges what the worker learned about a content into the `files` row of every path holding it, on
/// every device: the paths come from the content's `refs` partition (`SharedContent.references`, one query). Each row is read and
/// merged under its ETag, so a daemon rewriting the row at the same moment is read again, not lost;
/// a row that already holds these values is left alone, so a repeated message writes nothing.
struct RowMerger: Sendable {
    let storage: StorageClient
    let resources: CloudResources

    /// Merges `properties` into the rows of `sha256`; returns how many rows hold them now.
    func merge(sha256: String, properties: [String: EntityValue]) async throws -> Int {
        var merged = 0
        for reference in try await SharedContent.references(of: sha256, in: storage) {
            guard let device = reference["device"]?.string, let library = reference["library"]?.string,
                let path = reference["path"]?.string
            else { continue }
            if try await merge(
                properties, sha256: sha256, device: device, library: library, path: path)
            {
                merged += 1
            }
        }
        return merged
    }

    /// One path's row; false when the path holds other content by now (its own message describes that).
    private func merge(
        _ properties: [String: EntityValue], sha256: String, device: String, library: String, path: String
    ) async throws -> Bool {
        let table = CloudKeys.filesTable
        let partitionKey = DeviceKeys(device: device).filesPartition(library: library)
        let rowKey = CloudKeys.fileRowKey(path: path)
        for _ in 0..<8 {
            let existing: TableEntity?
            do {
                existing = try await storage.tables.get(partitionKey: partitionKey, rowKey: rowKey, from: table)
            } catch let error as AzureStorageError where error.isNotFound {
                existing = nil
            }
            guard let existing else {
                // The daemon's own row is not written yet: start it; the daemon keeps these values
                // when it writes its part (`OutboxWorker.entity`).
                var row = TableEntity(partitionKey: partitionKey, rowKey: rowKey, properties: properties)
                row["sha256"] = .string(sha256)
                row["device"] = .string(device)
                row["library"] = .string(library)
                row["path"] = .string(path)
                do {
                    try await resources.ensure(table: table)
                    try await storage.tables.insert(row, into: table)
                    return true
                } catch let error as AzureStorageError where error.isAlreadyExists {
                    continue
                }
            }
            guard existing["sha256"]?.string == sha256 else { return false }
            if properties.allSatisfy({ existing[$0.key] == $0.value }) { return true }
            do {
                try await storage.tables.merge(
                    TableEntity(partitionKey: partitionKey, rowKey: rowKey, properties: properties), in: table,
                    etag: existing.etag)
                return true
            } catch let error as AzureStorageError where error.isConditionNotMet || error.isNotFound {
                continue
            }
        }
        throw WorkerFailure.transient("the files row of \(library)/\(path) kept changing while it was merged")
    }
}
