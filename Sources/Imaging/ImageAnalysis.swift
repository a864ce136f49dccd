/// One encoded preview.
package struct Rendition: Sendable, Equatable {
    /// The rendition's name (`hd`, `sq100`).
    package var name: String
    /// Its pixel size, oriented.
    package var size: PixelSize
    /// The progressive JPEG bytes.
    package var jpeg: [UInt8]

    /// Makes a rendition.
    package init(name: String, size: PixelSize, jpeg: [UInt8]) {
        self.name = name
        self.size = size
        self.jpeg = jpeg
    }
}

/// Everything Imaging learns from one file: the description, the previews, the perceptual hash,
/// and whether the file is damaged.
package struct ImageAnalysis: Sendable {
    /// Metadata, with dimensions after orientation.
    package var metadata: ImageMetadata
    /// The previews, in the order of the configuration.
    package var renditions: [Rendition]
    /// The perceptual hash of the oriented picture.
    package var perceptualHash: PerceptualHash
    /// ImageMagick's warnings during decoding, verbatim.
    package var warnings: [String]
    /// True when the decoder reported corrupt data (a truncated JPEG decodes with a grey lower part):
    /// the previews exist but show a broken picture.
    package var damaged: Bool
}
