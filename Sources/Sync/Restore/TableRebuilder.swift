import AzureStorage
import Catalog
import Foundation

/// Rebuilds one device's `files`, `history` and `refs` rows from the masters alone, for when the
/// tables are lost: every master's metadata names the device, library, path and mtime of the first
/// known path of its content (docs/architecture.md), so each content comes back under that one path,
/// on the device that first uploaded it. Other paths and devices that held the same content, later
/// renames and older versions are not in the metadata and do not come back. Masters uploaded before
/// devices existed name none: they are taken as this device's.
package struct TableRebuilder: Sendable {
    let storage: StorageClient
    let device: DeviceKeys

    /// What a rebuild wrote.
    package struct Report: Sendable, Equatable, Codable {
        /// Masters listed.
        package var masters = 0
        /// `files` rows written (paths that had none).
        package var rowsWritten = 0
        /// Paths that already had a `files` row, left as they were.
        package var rowsKept = 0
        /// Masters whose metadata names no library or path (uploaded by something else).
        package var unnamed: [String] = []
        /// Masters another device uploaded first (rebuilt with that device).
        package var otherDevices = 0
    }

    /// A rebuilder of `device`'s rows, working through `storage`.
    package init(storage: StorageClient, device: DeviceKeys) {
        self.storage = storage
        self.device = device
    }

    /// Lists `file-store` with metadata and writes the rows it implies; rows that exist are kept.
    package func rebuild() async throws -> Report {
        var report = Report()
        let masters: [BlobItem]
        do {
            masters = try await storage.blobs.allBlobs(container: CloudKeys.masterContainer, includeMetadata: true)
        } catch let error as AzureStorageError where error.isNotFound {
            return report
        }
        _ = try await storage.tables.createTable(CloudKeys.filesTable)
        _ = try await storage.tables.createTable(CloudKeys.historyTable)
        _ = try await storage.tables.createTable(CloudKeys.referencesTable)
        for master in masters {
            report.masters += 1
            let metadata = master.properties.metadata
            if let owner = metadata["device"], owner != device.device {
                report.otherDevices += 1
                continue
            }
            guard let library = metadata["library"].flatMap(CloudKeys.metadataText),
                let path = metadata["path"].flatMap(CloudKeys.metadataText),
                !library.isEmpty, !path.isEmpty
            else {
                report.unnamed.append(master.name)
                continue
            }
            let sha = metadata["sha256"] ?? master.name
            let mtimeNs = metadata["mtimens"].flatMap { Int64($0) }
            var row = TableEntity(
                partitionKey: device.filesPartition(library: library), rowKey: CloudKeys.fileRowKey(path: path))
            row["device"] = .string(device.device)
            row["library"] = .string(library)
            row["path"] = .string(path)
            row["size"] = .int64(master.properties.contentLength)
            row["sha256"] = .string(sha)
            row["deleted"] = .bool(false)
            if let mtimeNs {
                row["mtime"] = .date(Date(timeIntervalSince1970: Double(mtimeNs) / 1e9))
                row["mtimeNs"] = .int64(mtimeNs)
            }
            if let md5 = master.properties.contentMD5 {
                row["md5"] = .string(md5.map { String(format: "%02x", $0) }.joined())
            }
            if let type = master.properties.contentType { row["contentType"] = .string(type) }
            if try await insertIfAbsent(row, into: CloudKeys.filesTable) {
                report.rowsWritten += 1
            } else {
                report.rowsKept += 1
            }
            // The version's time: when the master was written, the nearest the blob can tell.
            let recorded = master.properties.lastModified ?? Date(timeIntervalSince1970: Double(mtimeNs ?? 0) / 1e9)
            let recordedNs = Int64(recorded.timeIntervalSince1970 * 1e9)
            var version = TableEntity(
                partitionKey: device.historyPartition(library: library, path: path),
                rowKey: CloudKeys.invertedTicks(nanoseconds: recordedNs))
            version["device"] = .string(device.device)
            version["sha256"] = .string(sha)
            version["library"] = .string(library)
            version["path"] = .string(path)
            version["recordedAt"] = .date(recorded)
            version["size"] = .int64(master.properties.contentLength)
            if let mtimeNs {
                version["mtime"] = .date(Date(timeIntervalSince1970: Double(mtimeNs) / 1e9))
                version["mtimeNs"] = .int64(mtimeNs)
            }
            _ = try await insertIfAbsent(version, into: CloudKeys.historyTable)
            var reference = TableEntity(partitionKey: sha, rowKey: device.referenceRowKey(library: library, path: path))
            reference["device"] = .string(device.device)
            reference["library"] = .string(library)
            reference["path"] = .string(path)
            reference["recordedAt"] = .date(recorded)
            _ = try await insertIfAbsent(reference, into: CloudKeys.referencesTable)
        }
        return report
    }

    /// Inserts a row unless one with its keys exists; true when written.
    private func insertIfAbsent(_ entity: TableEntity, into table: String) async throws -> Bool {
        do {
            _ = try await storage.tables.insert(entity, into: table)
            return true
        } catch let error as AzureStorageError where error.isAlreadyExists || error.status == 409 {
            return false
        }
    }
}
