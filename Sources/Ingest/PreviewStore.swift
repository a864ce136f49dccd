import Catalog
import Foundation
import Imaging

/// Writes previews under `previews/<first two hex digits>/<sha256>/<name>.jpg`, the local mirror of
/// the cloud's `pv-store/<sha256>/<name>.jpg`; each file appears whole (written aside, then renamed).
package struct PreviewStore: Sendable {
    /// The previews folder.
    package var root: String

    /// A store rooted at `root` (created on first write).
    package init(root: String) {
        self.root = root
    }

    /// The relative path of a rendition of content `sha256`.
    package static func relativePath(sha256: String, name: String) -> String {
        "\(sha256.prefix(2))/\(sha256)/\(name).jpg"
    }

    /// Writes one rendition and returns its relative path.
    package func write(_ rendition: Rendition, sha256: String) throws -> String {
        let relative = Self.relativePath(sha256: sha256, name: rendition.name)
        let target = root + "/" + relative
        let folder = (target as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let temporary = folder + "/.\(rendition.name).\(UUID().uuidString).tmp"
            try Data(rendition.jpeg).write(to: URL(fileURLWithPath: temporary))
            if rename(temporary, target) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(atPath: temporary)
                throw CatalogError(.io, target, detail: "rename: \(reason)")
            }
        } catch let error as CatalogError {
            throw error
        } catch {
            throw CatalogError(.io, target, detail: "\(error)")
        }
        return relative
    }
}
