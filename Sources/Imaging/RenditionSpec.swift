/// One preview size: a name (the blob name's last part) and how the source is fitted to it.
package struct RenditionSpec: Sendable, Hashable, Codable {
    /// How the source is fitted.
    package enum Fit: Sendable, Hashable, Codable {
        /// Fits inside a box, keeping the aspect ratio (`hd` is 1920×1080, `800` is 800×800).
        case box(width: Int, height: Int)
        /// A fixed width, height follows the aspect ratio.
        case width(Int)
        /// A fixed height, width follows the aspect ratio.
        case height(Int)
        /// A centre crop to a square of this side, after fitting the short side.
        case square(Int)
    }

    /// The rendition's name: `hd`, `1600`, `sq100`…
    package var name: String
    /// How the oriented source is fitted.
    package var fit: Fit

    /// Makes a rendition; names must be unique in a set.
    package init(_ name: String, _ fit: Fit) {
        self.name = name
        self.fit = fit
    }

    /// The seed's renditions (docs/architecture.md): the cloud layout depends on these names.
    package static let seedSet: [RenditionSpec] = [
        .init("hd", .box(width: 1920, height: 1080)),
        .init("1600", .box(width: 1600, height: 1600)),
        .init("800", .box(width: 800, height: 800)),
        .init("600", .box(width: 600, height: 600)),
        .init("400", .box(width: 400, height: 400)),
        .init("h400", .height(400)),
        .init("w400", .width(400)),
        .init("200", .box(width: 200, height: 200)),
        .init("100", .box(width: 100, height: 100)),
        .init("sq100", .square(100)),
    ]

    /// The lean profile's: a 250-px thumbnail and a 1440-px preview, as Immich makes; two billed writes
    /// per photo instead of ten.
    package static let leanSet: [RenditionSpec] = [
        .init("1440", .box(width: 1440, height: 1440)),
        .init("250", .box(width: 250, height: 250)),
    ]

    /// The size of this rendition for an (oriented) source, never larger than the source: the scaled
    /// size before any crop, and the final size.
    package func size(forSourceWidth width: Int, height: Int) -> (scaled: PixelSize, final: PixelSize) {
        let w = Double(width)
        let h = Double(height)
        var ratio: Double
        switch fit {
        case .box(let bw, let bh): ratio = min(Double(bw) / w, Double(bh) / h)
        case .width(let bw): ratio = Double(bw) / w
        case .height(let bh): ratio = Double(bh) / h
        case .square(let side): ratio = Double(side) / min(w, h)
        }
        ratio = min(ratio, 1)  // never upscale
        let scaled = PixelSize(
            width: max(1, Int((w * ratio).rounded())), height: max(1, Int((h * ratio).rounded())))
        if case .square(let side) = fit {
            let edge = min(side, scaled.width, scaled.height)
            return (scaled, PixelSize(width: edge, height: edge))
        }
        return (scaled, scaled)
    }
}

/// A width and height in pixels.
package struct PixelSize: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Pixels across.
    package var width: Int
    /// Pixels down.
    package var height: Int

    /// Makes a size.
    package init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// `WxH`, as ImageMagick and people write it.
    package var description: String { "\(width)x\(height)" }
    /// Total pixels.
    package var area: Int { width * height }
}
