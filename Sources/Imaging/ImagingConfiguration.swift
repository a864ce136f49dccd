/// How images are converted; every field has the seed-compatible default.
package struct ImagingConfiguration: Sendable, Equatable {
    /// Preview sizes to make (the ten of docs/architecture.md by default).
    package var renditions: [RenditionSpec] = RenditionSpec.seedSet
    /// JPEG quality of the previews.
    package var quality: Int = 80
    /// Progressive JPEG previews: they show early on slow links and are a little smaller.
    package var progressive: Bool = true
    /// Bounds that keep hostile input from hurting the process.
    package var limits = ResourceLimits()
    /// Where to find an sRGB ICC profile for converting photos tagged with another profile
    /// (Adobe RGB, Display P3); the first readable one is used.
    package var srgbProfilePaths: [String] = [
        "/usr/share/color/icc/sRGB.icc",
        "/usr/share/color/icc/colord/sRGB.icc",
        "/usr/share/color/icc/ghostscript/srgb.icc",
    ]
    /// The RAW decoder (Debian's `dcraw`); ImageMagick's own RAW delegate needs `ufraw-batch`,
    /// which Debian 12 does not ship.
    package var dcrawPath: String = "/usr/bin/dcraw"

    /// The defaults.
    package init() {}
}
