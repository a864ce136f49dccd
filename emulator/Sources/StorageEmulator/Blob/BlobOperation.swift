import HTTPTypes

/// Every Blob service operation the emulator knows, identified Azure's way: from the method,
/// whether the path names the service, a container or a blob, and the `restype`/`comp` parameters.
enum BlobOperation: String, Sendable, CaseIterable {
    case listContainers, getServiceProperties, setServiceProperties, getAccountInfo, getServiceStats
    case createContainer, getContainerProperties, deleteContainer, getContainerMetadata, setContainerMetadata
    case getContainerACL, setContainerACL, leaseContainer, listBlobs
    case putBlob, getBlob, getBlobProperties, deleteBlob, setBlobProperties, getBlobMetadata, setBlobMetadata
    case putBlock, putBlockList, getBlockList, snapshotBlob, copyBlob, abortCopyBlob, setBlobTier, leaseBlob
    case putBlockFromURL, getBlobTags, setBlobTags, undeleteBlob, batch
    case setImmutabilityPolicy, deleteImmutabilityPolicy, setLegalHold, restoreContainer

    /// Operations the emulator recognises but does not implement: answered with a clear 501.
    static let unimplemented: Set<BlobOperation> = [getServiceStats, putBlockFromURL, getBlobTags, setBlobTags, batch]

    /// Identifies the operation, or nil when the combination means nothing to Azure either.
    ///
    /// - Parameters:
    ///   - hasContainer: the path names a container.
    ///   - hasBlob: the path names a blob inside it.
    static func identify(
        method: HTTPRequest.Method, hasContainer: Bool, hasBlob: Bool, restype: String?, comp: String?,
        copySource: Bool
    ) -> BlobOperation? {
        let restype = restype?.lowercased()
        let comp = comp?.lowercased()
        if !hasContainer {
            switch (method, restype, comp) {
            case (.get, _, "list"): return .listContainers
            case (.get, "service", "properties"): return .getServiceProperties
            case (.put, "service", "properties"): return .setServiceProperties
            case (.get, "account", "properties"), (.head, "account", "properties"): return .getAccountInfo
            case (.get, "service", "stats"): return .getServiceStats
            case (.post, _, "batch"): return .batch
            default: return nil
            }
        }
        if !hasBlob {
            switch (method, restype, comp) {
            case (.put, "container", nil): return .createContainer
            case (.get, "container", nil), (.head, "container", nil): return .getContainerProperties
            case (.delete, "container", nil): return .deleteContainer
            case (.get, "container", "metadata"), (.head, "container", "metadata"): return .getContainerMetadata
            case (.put, "container", "metadata"): return .setContainerMetadata
            case (.get, "container", "acl"), (.head, "container", "acl"): return .getContainerACL
            case (.put, "container", "acl"): return .setContainerACL
            case (.put, "container", "lease"): return .leaseContainer
            case (.put, "container", "undelete"): return .restoreContainer
            case (.get, "container", "list"): return .listBlobs
            case (.get, "account", "properties"), (.head, "account", "properties"): return .getAccountInfo
            case (.post, "container", "batch"): return .batch
            default: return nil
            }
        }
        switch (method, comp) {
        case (.put, nil): return copySource ? .copyBlob : .putBlob
        case (.get, nil): return .getBlob
        case (.head, nil): return .getBlobProperties
        case (.delete, nil): return .deleteBlob
        case (.put, "properties"): return .setBlobProperties
        case (.get, "metadata"), (.head, "metadata"): return .getBlobMetadata
        case (.put, "metadata"): return .setBlobMetadata
        case (.put, "block"): return copySource ? .putBlockFromURL : .putBlock
        case (.put, "blocklist"): return .putBlockList
        case (.get, "blocklist"): return .getBlockList
        case (.put, "snapshot"): return .snapshotBlob
        case (.put, "copy"): return .abortCopyBlob
        case (.put, "tier"): return .setBlobTier
        case (.put, "lease"): return .leaseBlob
        case (.get, "tags"): return .getBlobTags
        case (.put, "tags"): return .setBlobTags
        case (.put, "undelete"): return .undeleteBlob
        case (.put, "immutabilitypolicies"): return .setImmutabilityPolicy
        case (.delete, "immutabilitypolicies"): return .deleteImmutabilityPolicy
        case (.put, "legalhold"): return .setLegalHold
        case (.get, "properties") where restype == "account", (.head, "properties") where restype == "account":
            return .getAccountInfo
        default: return nil
        }
    }
}
