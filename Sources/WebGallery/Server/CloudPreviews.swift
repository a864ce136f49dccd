import Catalog

/// How the gallery gets a preview that was made in the cloud (`[previews] where = "cloud"`) and not downloaded
/// yet: the daemon gives one over Sync's `PreviewCache`, the one place that downloads previews, which writes
/// them into the previews folder where the gallery then reads them; `ironviper serve` has none.
package struct CloudPreviews: Sendable {
    /// Downloads `renditions` of content `sha256` into the previews folder (each at its `path`).
    package let fetch: @Sendable (_ renditions: [RenditionRecord], _ sha256: String) async throws -> Void

    package init(fetch: @escaping @Sendable (_ renditions: [RenditionRecord], _ sha256: String) async throws -> Void) {
        self.fetch = fetch
    }
}
