import Catalog
import Imaging

/// The renditions of one content with byte-identical ones kept once: a 600×400 photo's `hd`, `1600`,
/// `800`, `600` and `h400` are all the untouched size, so they are one file on disk and one blob in
/// `pv-store`, named after the first of them; every rendition still has its catalog row, whose path
/// points at that file (`RenditionRecord.blob`). Used by the daemon and by `ironviper worker`, so both
/// store the same blobs.
package enum DistinctRenditions {
    /// The catalog rows of `renditions` (paths relative to the previews folder), and the renditions
    /// whose bytes are stored (the first of each group of identical ones, in the profile's order).
    package static func plan(_ renditions: [Rendition], sha256: String) -> (records: [RenditionRecord], stored: [Rendition]) {
        var firstWithBytes: [[UInt8]: String] = [:]
        var records: [RenditionRecord] = []
        var stored: [Rendition] = []
        for rendition in renditions {
            let blob: String
            if let earlier = firstWithBytes[rendition.jpeg] {
                blob = earlier
            } else {
                blob = rendition.name
                firstWithBytes[rendition.jpeg] = blob
                stored.append(rendition)
            }
            records.append(
                RenditionRecord(
                    assetId: 0, name: rendition.name, width: rendition.size.width, height: rendition.size.height,
                    bytes: rendition.jpeg.count, path: PreviewStore.relativePath(sha256: sha256, name: blob)))
        }
        return (records, stored)
    }
}
