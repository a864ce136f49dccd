import AzureStorage
import Catalog

/// `files` rows due together, written as one Entity Group Transaction per partition (a library's rows
/// share one) instead of a request each: in a backup of many small files the `files` rows were a quarter
/// of the requests. Each row still writes the catalog's current facts, so a batch is as idempotent as
/// the rows it holds.
struct EntityBatch: Sendable {
    /// Azure's limit on the operations of one batch.
    static let capacity = 100

    /// The rows, in the order of `operations`.
    var rows: [OutboxRow]
    var operations: [TableBatchOperation]

    /// How rows due together are written.
    struct Plan: Sendable {
        /// One partition each, at most `capacity` rows, no row key twice.
        var batches: [EntityBatch] = []
        /// Rows whose file is gone with its library: done with nothing to write.
        var nothingToWrite: [OutboxRow] = []
        /// Rows run on their own: a path described in the cloud (its row is read and replaced under its ETag),
        /// or a second row for a path already in the batch (one batch may not touch an entity twice).
        var alone: [OutboxRow] = []
    }
}

extension OutboxWorker {
    /// Plans `rows` (all `entity` rows) as batches, from one read of the catalog.
    func entityBatches(_ rows: [OutboxRow]) throws -> EntityBatch.Plan {
        let facts = try catalog.fileFacts(fileIds: rows.compactMap(\.fileId))
        var plan = EntityBatch.Plan()
        var open: [String: EntityBatch] = [:]  // by partition
        var keys: [String: Set<String>] = [:]
        for row in rows {
            guard let fileId = row.fileId, let facts = facts[fileId] else {
                plan.nothingToWrite.append(row)
                continue
            }
            if FileEntity.keepsCloudDescription(facts) {
                plan.alone.append(row)
                continue
            }
            let (entity, present) = FileEntity.make(facts, device: options.device)
            let partition = entity.partitionKey
            guard keys[partition, default: []].insert(entity.rowKey).inserted else {
                plan.alone.append(row)
                continue
            }
            open[partition, default: EntityBatch(rows: [], operations: [])].rows.append(row)
            open[partition]!.operations.append(.upsert(entity, mode: present ? .replace : .merge))
            if open[partition]!.rows.count == EntityBatch.capacity {
                plan.batches.append(open.removeValue(forKey: partition)!)
                keys[partition] = []
            }
        }
        plan.batches += open.values
        return plan
    }

    /// Writes one batch; one operation refused fails it all (the engine then runs its rows one by one).
    func send(_ batch: EntityBatch) async throws {
        try await resources.ensure(table: CloudKeys.filesTable)
        try await storage.tables.batch(batch.operations, in: CloudKeys.filesTable)
    }
}
