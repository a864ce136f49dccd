import AzureStorage
import Catalog
import Foundation
import Logging
import Sync
import Synchronization
import WebGallery

/// The web gallery beside the daemon's sessions, for the daemon's whole life: `[web]` changes take effect at
/// the next start (a reload keeps the running gallery). A gallery that cannot bind its port is logged and the
/// backup goes on; one the security rules refuse (not loopback, no password) stops the start with the reason.
enum DaemonGallery {
    static func start(
        configuration: DaemonConfiguration, location: DataLocation, catalog: Catalog, storage: CurrentStorage,
        logger: Logger
    ) throws -> Task<Void, Never>? {
        guard let settings = try configuration.galleryConfiguration(location: location) else { return nil }
        // Originals gone from disk come back from the masters, through whichever storage the daemon runs now.
        let cloud = CloudOriginals(folder: location.directory + "/web-downloads") { sha256, path in
            guard let client = storage.client else { throw DaemonError("the storage is not running yet") }
            try await client.blobs.download(
                container: CloudKeys.masterContainer, name: sha256, to: path, check: .sha256(sha256))
        }
        // Previews made in the cloud come down on first view, through Sync's cache into the previews folder.
        let previews = CloudPreviews { renditions, sha256 in
            guard let client = storage.client else { throw DaemonError("the storage is not running yet") }
            try await PreviewCache(storage: client, root: settings.previewsRoot).fetch(renditions, sha256: sha256)
        }
        // The web's "retry now" is what `ironviper sync` does: SIGUSR1 retries parked rows and syncs at once.
        let server = try GalleryServer(
            configuration: settings, catalog: catalog, logger: logger, cloud: cloud, cloudPreviews: previews,
            onRetry: { kill(getpid(), SIGUSR1) })
        // A child of the daemon's task: it inherits the graceful shutdown that SIGTERM starts.
        return Task {
            do {
                try await server.run()
            } catch {
                logger.error("the web gallery stopped", metadata: ["listen": "\(settings.listen)", "error": "\(error)"])
            }
        }
    }
}

/// The storage client the daemon runs with now (it changes when a reload changes the storage settings).
final class CurrentStorage: Sendable {
    private let current = Mutex<StorageClient?>(nil)

    var client: StorageClient? { current.withLock { $0 } }
    func set(_ client: StorageClient) { current.withLock { $0 = client } }
}
