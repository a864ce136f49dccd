import AzureStorage
import Catalog
import Foundation

/// The devices and libraries an account holds, from the `devices` table (each daemon writes a row
/// per library through its outbox), and whether rows from before devices are still waiting to be
/// moved (`ironviper device adopt`).
package struct DeviceDirectory: Sendable {
    /// One device with its libraries.
    package struct Device: Sendable, Equatable, Codable {
        package var name: String
        package var libraries: [Library]
    }

    /// A library of a device: its name and folder on that device, and when the device last said so.
    package struct Library: Sendable, Equatable, Codable {
        package var name: String
        package var root: String?
        package var updatedAt: Date?
    }

    /// What an account holds.
    package struct Listing: Sendable, Equatable, Codable {
        package var devices: [Device]
        /// `files` rows written before devices existed (keyed by library alone).
        package var legacyRows: Int
    }

    let storage: StorageClient

    /// A directory read through `storage`.
    package init(storage: StorageClient) {
        self.storage = storage
    }

    /// Every device, sorted by name, with its libraries.
    package func list() async throws -> Listing {
        var devices: [String: [Library]] = [:]
        for row in try await rows(CloudKeys.devicesTable, select: nil) {
            let library = Library(
                name: row["library"]?.string ?? row.rowKey, root: row["root"]?.string, updatedAt: row["updatedAt"]?.date
            )
            devices[row.partitionKey, default: []].append(library)
        }
        let legacy = try await rows(CloudKeys.filesTable, select: ["device"]).filter { $0["device"] == nil }.count
        return Listing(
            devices: devices.keys.sorted().map {
                Device(name: $0, libraries: devices[$0]!.sorted { $0.name < $1.name })
            },
            legacyRows: legacy)
    }

    /// The device a restore or rebuild means when none was named: the only one the account holds.
    package func onlyDevice() async throws -> String {
        let listing = try await list()
        guard listing.devices.count == 1 else {
            let names = listing.devices.map(\.name).joined(separator: ", ")
            if listing.devices.isEmpty {
                let hint =
                    listing.legacyRows > 0
                    ? "; its \(listing.legacyRows) rows predate devices: run `ironviper device adopt NAME` first" : ""
                throw SyncError(.badRow, "devices", detail: "the account holds no device\(hint)", permanent: true)
            }
            throw SyncError(
                .badRow, "devices", detail: "the account holds several devices (\(names)): name one with --device",
                permanent: true)
        }
        return listing.devices[0].name
    }

    private func rows(_ table: String, select: [String]?) async throws -> [TableEntity] {
        do {
            return try await storage.tables.queryAll(table, select: select)
        } catch let error as AzureStorageError where error.isNotFound {
            return []
        }
    }
}
