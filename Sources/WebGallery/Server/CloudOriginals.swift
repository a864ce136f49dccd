import Foundation

/// How the gallery gets an original back from the cloud once it is gone from this machine: the daemon gives
/// one over its storage client (`fetch` writes the master of a SHA-256 to a path, checked against its MD5);
/// `ironviper serve` has none. Downloads land in `folder` and are removed after `keep`, since a response is
/// streamed from the file after this returns.
package struct CloudOriginals: Sendable {
    package let folder: String
    package let fetch: @Sendable (_ sha256: String, _ path: String) async throws -> Void
    let keep: TimeInterval = 600

    package init(folder: String, fetch: @escaping @Sendable (_ sha256: String, _ path: String) async throws -> Void) {
        self.folder = folder
        self.fetch = fetch
    }

    /// Downloads the master of `sha256` and returns the file holding it.
    func download(sha256: String) async throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        sweep()
        let path = folder + "/" + sha256 + "-" + UUID().uuidString.prefix(8)
        try await fetch(sha256, path)
        return path
    }

    /// Removes downloads older than `keep` (their responses are long sent).
    private func sweep() {
        let manager = FileManager.default
        for name in (try? manager.contentsOfDirectory(atPath: folder)) ?? [] {
            let path = folder + "/" + name
            if let modified = (try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                Date().timeIntervalSince(modified) > keep
            {
                try? manager.removeItem(atPath: path)
            }
        }
    }
}
