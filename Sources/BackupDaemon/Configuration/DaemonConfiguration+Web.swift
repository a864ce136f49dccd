import Catalog
import WebGallery

extension DaemonConfiguration {
    /// The gallery's settings for a data folder, nil when `[web] listen = ""`. The password hash comes from the
    /// configuration, else from the systemd credential; `GalleryServer` then refuses a non-loopback address
    /// without one.
    package func galleryConfiguration(location: DataLocation) throws -> GalleryConfiguration? {
        guard let listen = web.listen else { return nil }
        let hash = try web.passwordHash.map { try PasswordHash(parsing: $0) } ?? GalleryConfiguration.credentialHash()
        return GalleryConfiguration(
            listen: listen, passwordHash: hash, user: web.user, allowedHosts: web.allowedHosts,
            previewsRoot: location.previewsPath)
    }
}
