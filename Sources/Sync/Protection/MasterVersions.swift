import AzureStorage
import Catalog

/// The versions an account keeping versions (immutability needs it) holds of one master: a delete or an
/// overwrite (by anyone holding the account key) turns the protected state into a previous version that stays.
enum MasterVersions {
    /// Every version of master `sha256`, the current one included, with its immutability policy: the versions
    /// with a policy first (what ironviper uploaded), then newest first. Empty without versioning.
    static func list(_ sha256: String, storage: StorageClient) async throws -> [BlobItem] {
        try await storage.blobs.allBlobs(
            container: CloudKeys.masterContainer, prefix: sha256, includeImmutabilityPolicy: true, includeVersions: true
        )
        .filter { $0.name == sha256 && $0.properties.versionID != nil }
        .sorted {
            let protected = ($0.properties.immutabilityPolicy != nil, $1.properties.immutabilityPolicy != nil)
            if protected.0 != protected.1 { return protected.0 }
            return ($0.properties.versionID ?? "") > ($1.properties.versionID ?? "")
        }
    }
}
