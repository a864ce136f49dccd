import Catalog

/// Which of a content's renditions answers a preview the gallery asks for. The pages ask by use: `200` and `400`
/// for a tile (1× and 2×), `hd` for the detail page, `sq100` for a square. A content has the renditions of the
/// profile it was described with: the default profile's ten names (each use has its own), or the lean profile's
/// `1440` and `250`. The rendition of the asked name wins; else the smallest whose longer side is at least what
/// the use needs, else the largest there is: a lean library shows its `250` as a tile and its `1440` as the
/// detail image.
enum RenditionChoice {
    /// The longer side in pixels each name the gallery accepts stands for (the default profile's boxes).
    static let neededSide: [String: Int] = [
        "hd": 1920, "1600": 1600, "800": 800, "600": 600, "400": 400, "h400": 400, "w400": 400, "200": 200,
        "100": 100, "sq100": 100,
    ]

    /// The rendition for use `name` among `renditions`; nil when the content has none.
    static func best(for name: String, among renditions: [RenditionRecord]) -> RenditionRecord? {
        if let exact = renditions.first(where: { $0.name == name }) { return exact }
        // A square crop shows part of the picture: only a square use takes one.
        let whole = renditions.filter { !$0.name.hasPrefix("sq") }
        guard let needed = neededSide[name], !whole.isEmpty else { return nil }
        func side(_ rendition: RenditionRecord) -> Int { max(rendition.width, rendition.height) }
        let largeEnough = whole.filter { side($0) >= needed }
        return largeEnough.min { side($0) < side($1) } ?? whole.max { side($0) < side($1) }
    }
}
