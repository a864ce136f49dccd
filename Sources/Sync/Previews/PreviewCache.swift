import AzureStorage
import Catalog
import Foundation

/// Previews made in the cloud, fetched into the local previews folder when a command shows them: the
/// daemon of a weak machine never makes or stores them itself, and a person who looks at one photo
/// downloads its few previews, not the library's.
package struct PreviewCache: Sendable {
    let storage: StorageClient
    /// The local previews folder (`PreviewStore.root`).
    let root: String

    package init(storage: StorageClient, root: String) {
        self.storage = storage
        self.root = root
    }

    /// Downloads the renditions of `sha256` that are not in the folder yet (each appears whole: the
    /// client writes aside and renames); returns how many were fetched.
    @discardableResult
    package func fetch(_ renditions: [RenditionRecord], sha256: String) async throws -> Int {
        var fetched = 0
        var seen: Set<String> = []
        for rendition in renditions where seen.insert(rendition.blob).inserted {
            let target = root + "/" + rendition.path
            if FileManager.default.fileExists(atPath: target) { continue }
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try await storage.blobs.download(
                container: CloudKeys.previewContainer, name: CloudKeys.renditionBlob(sha256: sha256, name: rendition.blob),
                to: target)
            fetched += 1
        }
        return fetched
    }
}
