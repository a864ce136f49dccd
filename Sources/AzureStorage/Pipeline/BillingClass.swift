/// Azure's price classes for requests, as its "map each REST operation to a price" tables name them for a
/// standard general-purpose v2 account. Every request is priced by its class alone (and, for blob writes and
/// reads, by the tier of the blob), so counting requests per class is enough to compute a bill.
package enum BillingClass: String, Sendable, CaseIterable, Codable {
    /// Put Blob, Put Block, Put Block List, Copy Blob, Set Blob Tier, and setting or deleting an immutability
    /// policy ("results in a write transaction charge", Microsoft's immutable storage page): priced per tier.
    case write
    /// Get Blob, Get Block List: priced per tier of the blob read (plus retrieval per GB in cool tiers).
    case read
    /// List Blobs, List Containers, Create Container.
    case listCreate = "list"
    /// Get Blob Properties and Metadata, container properties, ACLs, everything not in another class.
    case other
    /// Delete Blob, Delete Container: free in v2 accounts, counted so that a bill shows them.
    case delete
    /// Every Table request (one transaction each, an entity group transaction included).
    case table
    /// Every Queue request.
    case queue

    /// The class of one blob, queue or table operation (the client's operation names are Azure's logged ones).
    package init(operation: String, service: StorageService) {
        switch service {
        case .table: self = .table
        case .queue: self = .queue
        case .blob:
            switch operation {
            case "PutBlob", "PutBlock", "PutBlockList", "CopyBlob", "SetBlobTier", "SnapshotBlob", "AppendBlock",
                "SetBlobProperties", "SetBlobMetadata", "SetBlobImmutabilityPolicy", "DeleteBlobImmutabilityPolicy":
                self = .write
            case "GetBlob", "GetBlockList": self = .read
            case "ListBlobs", "ListContainers", "CreateContainer": self = .listCreate
            case "DeleteBlob", "DeleteContainer": self = .delete
            default: self = .other
            }
        }
    }
}
