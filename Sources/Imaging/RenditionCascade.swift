import CMagickWand

/// Makes renditions from one decoded image, each from the smallest already-made image that covers
/// it, so the cost of a resize follows the size of its output rather than the size of the photo.
///
/// Sizes given to it are in stored orientation; finished previews are turned upright just before
/// encoding.
final class RenditionCascade {
    private var steps: [MagickImage]
    private let orientation: Int
    private let path: String
    /// The resampling filter: Triangle (bilinear with the right support when shrinking) is sharp
    /// enough at the ratios a cascade uses and several times cheaper than Lanczos.
    var filter: FilterTypes = TriangleFilter

    init(base: MagickImage, orientation: Int, path: String) {
        steps = [base]
        self.orientation = orientation
        self.path = path
    }

    /// Encodes one rendition: resized to `scaled`, centre-cropped to `final` if smaller, upright.
    func render(scaled: PixelSize, final: PixelSize, quality: Int, progressive: Bool) throws -> [UInt8] {
        let resized = try step(covering: scaled)
        var output = resized
        if final != scaled {
            output = resized.clone()
            try output.crop(
                width: final.width, height: final.height, x: (scaled.width - final.width) / 2,
                y: (scaled.height - final.height) / 2, path: path)
        }
        if orientation != 1 {
            if output === resized { output = resized.clone() }
            try output.orient(orientation, path: path)
        }
        return try output.jpegBytes(quality: quality, progressive: progressive, path: path)
    }

    /// The 64-bit dHash of the upright picture, from the smallest step that still has some detail.
    func perceptualHash() throws -> PerceptualHash {
        let source = steps.last { min($0.width, $0.height) >= 32 } ?? steps[0]
        let thumbnail = source.clone()
        try thumbnail.orient(orientation, path: path)
        try thumbnail.resize(width: 9, height: 8, filter: TriangleFilter, path: path)
        let pixels = thumbnail.grayPixels()
        return PerceptualHash(gray9x8: pixels)
    }

    /// An image of exactly `size`: an existing step, or a new one resized from the smallest step
    /// that covers it.
    private func step(covering size: PixelSize) throws -> MagickImage {
        if let same = steps.first(where: { $0.width == size.width && $0.height == size.height }) {
            return same
        }
        let source = steps.filter { $0.width >= size.width && $0.height >= size.height }
            .min { $0.width * $0.height < $1.width * $1.height } ?? steps[0]
        let next = source.clone()
        try next.resize(width: size.width, height: size.height, filter: filter, path: path)
        steps.append(next)
        return next
    }
}
