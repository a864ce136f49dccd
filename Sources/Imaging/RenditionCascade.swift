import CMagickWand

/// Makes renditions from one decoded image, each from the smallest already-made image that covers
/// it, so the cost of a resize follows the size of its output rather than the size of the photo.
///
/// The decoded image stays in stored orientation; the first image resized from it is turned upright
/// and everything smaller derives from upright images, so a rotated photo costs one rotation of
/// the largest rendition instead of one per preview (or one of the whole decoded photo).
final class RenditionCascade {
    private struct Step {
        var image: MagickImage
        var upright: Bool
        /// Size in upright orientation.
        var size: PixelSize
    }

    /// Outputs at least this large are made by area averaging (`MagickScaleImage`), smaller ones with
    /// Lanczos. Measured on 24 MP photos against a Lanczos resize of the full image: area averaging
    /// keeps the large steps above 43 dB PSNR at less than half of Lanczos's cost, and Lanczos on the
    /// small steps (cheap there) keeps the cascade from going soft (Triangle all the way: 40 dB at 100 px).
    static let areaAveragingFrom = 250_000

    private var steps: [Step]
    private let orientation: Int
    private let path: String

    init(base: MagickImage, orientation: Int, path: String) {
        let swaps = orientation >= 5
        let size = PixelSize(
            width: swaps ? base.height : base.width, height: swaps ? base.width : base.height)
        steps = [Step(image: base, upright: orientation == 1, size: size)]
        self.orientation = orientation
        self.path = path
    }

    /// Encodes one rendition: resized to `scaled`, centre-cropped to `final` if smaller (sizes upright).
    func render(scaled: PixelSize, final: PixelSize, quality: Int, progressive: Bool) throws -> [UInt8] {
        var output = try step(covering: scaled)
        if final != scaled {
            output = output.clone()
            try output.crop(
                width: final.width, height: final.height, x: (scaled.width - final.width) / 2,
                y: (scaled.height - final.height) / 2, path: path)
        }
        return try output.jpegBytes(quality: quality, progressive: progressive, path: path)
    }

    /// The 64-bit dHash of the upright picture, from the smallest step that still has some detail.
    func perceptualHash() throws -> PerceptualHash {
        let source =
            steps.filter { min($0.size.width, $0.size.height) >= 32 }.min { $0.size.area < $1.size.area }
            ?? steps[0]
        let thumbnail = source.image.clone()
        if !source.upright { try thumbnail.orient(orientation, path: path) }
        try thumbnail.resize(width: 9, height: 8, filter: TriangleFilter, path: path)
        return PerceptualHash(gray9x8: thumbnail.grayPixels())
    }

    /// An upright image of exactly `size`: an existing step, or a new one resized from the smallest
    /// step that covers it.
    private func step(covering size: PixelSize) throws -> MagickImage {
        if let same = steps.first(where: { $0.upright && $0.size == size }) {
            return same.image
        }
        let source =
            steps.filter { $0.size.width >= size.width && $0.size.height >= size.height }
            .min { $0.size.area < $1.size.area } ?? steps[0]
        let next = source.image.clone()
        if source.size != size {
            // Resize in the source's own orientation, then turn upright if it is not yet.
            let swaps = !source.upright && orientation >= 5
            let target = swaps ? PixelSize(width: size.height, height: size.width) : size
            if target.area >= Self.areaAveragingFrom {
                try next.scale(width: target.width, height: target.height, path: path)
            } else {
                try next.resize(width: target.width, height: target.height, filter: LanczosFilter, path: path)
            }
        }
        if !source.upright { try next.orient(orientation, path: path) }
        steps.append(Step(image: next, upright: true, size: size))
        return next
    }
}
