/// Which previews are made for a content: a documented choice (`[previews] profile`) because it is
/// most of what a library costs in write operations (see `ironviper cost`).
package enum PreviewProfile: String, Sendable, CaseIterable, Codable {
    /// The original project's ten renditions (`RenditionSpec.seedSet`), whose names other programs use.
    case standard = "default"
    /// Two: `1440` and `250` (`RenditionSpec.leanSet`).
    case lean

    /// The renditions of this profile, largest first.
    package var renditions: [RenditionSpec] {
        switch self {
        case .standard: RenditionSpec.seedSet
        case .lean: RenditionSpec.leanSet
        }
    }
}
