import Hummingbird
import Catalog
import Foundation

/// `/item/ID`: the `hd` preview, every metadata field, GPS as coordinates, the paths and versions of the
/// content, its backup state, the download of the original, and the tag and rating controls. `q` and `at`
/// say where in a result it was opened, for the keyboard's left and right.
struct ItemPage {
    let catalog: Catalog
    let csrfToken: String

    func render(id: Int64?, query: String, at: Int?) throws -> Response {
        guard let id, let item = try catalog.galleryItem(fileId: id) else {
            return HTML.notFound("No cataloged file has this id.", csrfToken: csrfToken)
        }
        let name = (item.path as NSString).lastPathComponent
        // `hd` is a use, not a name the content must have: the server answers with its best rendition for it.
        let preview =
            item.sha256.flatMap { sha in
                item.renditions.isEmpty
                    ? nil : "<img class=\"hd\" src=\"/previews/\(sha)/hd\" alt=\"\(HTML.escape(name))\">"
            } ?? "<div class=\"nopreview big\">\(HTML.escape(name))</div>"
        let body = """
            <article class="item" id="item" data-id="\(id)" data-q="\(HTML.escape(query))" data-at="\(at.map(String.init) ?? "")">
            <div class="viewer"><a class="nav prev" id="prev" hidden aria-label="Previous">‹</a>\(preview)<a class="nav next" id="next" hidden aria-label="Next">›</a></div>
            <div class="info">
            <h1>\(HTML.escape(name))</h1>
            <p class="path">\(HTML.escape(item.library + "/" + item.path))</p>
            \(item.present ? "<p><a class=\"button\" id=\"download\" href=\"/api/v1/items/\(id)/original\" download>Download original</a></p>" : item.backup.masterInCloud ? "<p class=\"warn\">Gone from this machine.</p><p><a class=\"button\" id=\"download\" href=\"/api/v1/items/\(id)/original\" download>Download from the cloud</a></p>" : "<p class=\"warn\">Gone from this machine, and not in the cloud.</p>")
            \(annotation(item))
            <h2>Details</h2>
            <table class="meta" id="meta">\(Self.metadataRows(item).map { "<tr><th>\(HTML.escape($0.0))</th><td>\(HTML.escape($0.1))</td></tr>" }.joined())</table>
            \(item.asset.map { "<details class=\"raw\"><summary>Everything the file says</summary><pre>\(HTML.escape($0.metadata))</pre></details>" } ?? "")
            <h2>Backup</h2>\(backup(item.backup))
            <h2>Paths</h2><ul class="paths">\(item.paths.map { path -> String in
                "<li><a href=\"/item/\(path.fileId)\">\(HTML.escape(path.library + "/" + path.path))</a>\(path.present ? "" : " <span class=\"muted\">(gone)</span>")</li>"
            }.joined())</ul>
            \(item.versions.isEmpty ? "" : "<h2>History</h2><ul class=\"versions\">" + item.versions.map { "<li>\(HTML.escape($0.recordedAt)) · \(HTML.bytes($0.size)) · <code>\(HTML.escape(String(($0.sha256 ?? "").prefix(12))))</code></li>" }.joined() + "</ul>")
            \(item.problems.isEmpty ? "" : "<h2>Problems</h2><ul class=\"problems\">" + item.problems.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>")
            </div></article>
            """
        return HTML.page(title: name, active: "Library", query: query, csrfToken: csrfToken, body: body)
    }

    private func annotation(_ item: GalleryItem) -> String {
        let tags = item.annotation.tags.map {
            "<li class=\"tag\">\(HTML.escape($0))<button class=\"remove-tag\" data-tag=\"\(HTML.escape($0))\" aria-label=\"Remove \(HTML.escape($0))\">×</button></li>"
        }.joined()
        let rating = item.annotation.rating
        let stars = (1...5).map { star -> String in
            let on = (rating ?? 0) >= star
            return "<button class=\"star\(on ? " on" : "")\" data-rating=\"\(star)\" aria-label=\"\(star) stars\">★</button>"
        }.joined()
        return """
            <section class="annotation" id="annotation">
            <div class="rating" id="rating" data-rating="\(rating.map(String.init) ?? "")">\(stars)<button class="star-clear" data-rating="" aria-label="No rating">∅</button></div>
            <ul class="tags" id="tags">\(tags)</ul>
            <form id="tag-form" class="tag-form"><input id="tag-input" name="tag" placeholder="Add a tag" maxlength="64" autocomplete="off"><button type="submit">Add</button></form>
            </section>
            """
    }

    private func backup(_ state: BackupState) -> String {
        var lines = [state.masterInCloud ? "Original in the cloud" : "Original not in the cloud yet"]
        lines.append("\(state.renditionsInCloud) previews in the cloud")
        if state.pending > 0 { lines.append("\(state.pending) operations pending") }
        if state.parked > 0 { lines.append("\(state.parked) parked after failures") }
        if let error = state.lastError { lines.append("last error: \(error)") }
        return "<ul class=\"backup\" id=\"backup\">" + lines.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
    }

    /// Every field the catalog has, in reading order, skipping the empty ones.
    static func metadataRows(_ item: GalleryItem) -> [(String, String)] {
        var rows: [(String, String?)] = [
            ("Size", HTML.bytes(item.size)), ("Content", item.sha256),
        ]
        if let a = item.asset {
            rows += [
                ("Kind", "\(a.kind.rawValue) (\(a.mime))"),
                ("Dimensions", a.width.flatMap { w in a.height.map { "\(w) × \($0)" } }),
                ("Taken", a.takenAt.map { $0 + (a.takenOffset ?? "") }),
                ("Camera", Catalog.cameraName(make: a.cameraMake, model: a.cameraModel)), ("Lens", a.lens),
                ("Exposure", a.exposureTime.map { $0 < 1 ? "1/\(Int((1 / $0).rounded())) s" : "\($0) s" }),
                ("Aperture", a.fNumber.map { "f/\($0)" }), ("ISO", a.iso.map(String.init)),
                ("Focal length", a.focalLength.map { "\($0) mm" }),
                ("GPS", a.latitude.flatMap { lat in a.longitude.map { String(format: "%.6f, %.6f", lat, $0) } }),
                ("Altitude", a.altitude.map { String(format: "%.1f m", $0) }),
                ("Title", a.title), ("Caption", a.caption), ("Keywords", a.keywords),
                ("Embedded rating", a.rating.map(String.init)), ("Orientation", a.orientation.map(String.init)),
                ("Damaged", a.damaged ? "yes: " + (a.warnings ?? "") : nil),
                ("Perceptual hash", a.phash.map { String(format: "%016llx", UInt64(bitPattern: $0)) }),
                ("Analysed", a.analyzedAt),
            ]
        }
        rows.append(("Renditions", item.renditions.joined(separator: ", ")))
        return rows.compactMap { key, value in value.flatMap { $0.isEmpty ? nil : (key, $0) } }
    }
}
