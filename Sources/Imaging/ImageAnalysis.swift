/// One encoded preview.
public struct Rendition: Sendable, Equatable {
    /// The rendition's name (`hd`, `sq100`).
    public var name: String
    /// Its pixel size, oriented.
    public var size: PixelSize
    /// The progressive JPEG bytes.
    public var jpeg: [UInt8]

    /// Makes a rendition.
    public init(name: String, size: PixelSize, jpeg: [UInt8]) {
        self.name = name
        self.size = size
        self.jpeg = jpeg
    }
}

/// Everything Imaging learns from one file: the description, the previews, the perceptual hash,
/// and whether the file is damaged.
public struct ImageAnalysis: Sendable {
    /// Metadata, with dimensions after orientation.
    public var metadata: ImageMetadata
    /// The previews, in the order of the configuration.
    public var renditions: [Rendition]
    /// The perceptual hash of the oriented picture.
    public var perceptualHash: PerceptualHash
    /// ImageMagick's warnings during decoding, verbatim.
    public var warnings: [String]
    /// True when the decoder reported corrupt data (a truncated JPEG decodes with a grey lower part):
    /// the previews exist but show a broken picture.
    public var damaged: Bool
}
