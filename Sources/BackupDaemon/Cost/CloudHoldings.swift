import AzureStorage
import Catalog

/// What the account really holds in ironviper's containers, per tier (`ironviper cost --cloud`): the check on
/// the catalog's figures, at the price of one List Blobs request per 5,000 blobs.
package enum CloudHoldings {
    package struct Entry: Codable, Sendable, Equatable {
        package var container: String
        /// The blob's tier as listed; "" when the listing names none (the account's default).
        package var tier: String
        package var blobs: Int
        package var bytes: Int64
    }

    package static func list(_ storage: StorageClient) async throws -> [Entry] {
        var entries: [Entry] = []
        for container in [CloudKeys.masterContainer, CloudKeys.previewContainer] {
            var byTier: [String: Entry] = [:]
            let blobs: [BlobItem]
            do {
                blobs = try await storage.blobs.allBlobs(container: container)
            } catch let error as AzureStorageError where error.isNotFound {
                continue
            }
            for blob in blobs {
                let tier = blob.properties.accessTier?.rawValue ?? ""
                byTier[tier, default: Entry(container: container, tier: tier, blobs: 0, bytes: 0)].blobs += 1
                byTier[tier]!.bytes += blob.properties.contentLength
            }
            entries += byTier.values.sorted { $0.tier < $1.tier }
        }
        return entries
    }
}
