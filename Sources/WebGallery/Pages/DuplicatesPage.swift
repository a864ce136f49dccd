import Hummingbird
import Catalog

/// `/duplicates`: exact duplicates (one content, several paths) or, with `?kind=near`, near duplicates (similar
/// perceptual hashes), each group side by side with its thumbnails, sizes and paths.
struct DuplicatesPage {
    let catalog: Catalog
    let csrfToken: String

    func render(near: Bool) throws -> Response {
        let groups = near ? try catalog.nearDuplicateGroups() : try catalog.exactDuplicateGroups()
        let sizes = try catalog.contentSizes(groups.flatMap { $0.map(\.sha256) })
        let html = groups.prefix(500).map { group -> String in
            "<div class=\"dup-group\">" + group.map { member -> String in
                let size = sizes[member.sha256].map(HTML.bytes) ?? ""
                let paths = member.paths.map { "<li>\(HTML.escape($0))</li>" }.joined()
                return """
                    <figure class="dup"><img loading="lazy" src="/previews/\(member.sha256)/200" alt="">
                    <figcaption>\(size)\(near ? " · \(member.distance) bits apart" : "")<ul>\(paths)</ul></figcaption></figure>
                    """
            }.joined() + "</div>"
        }.joined()
        let tabs = "<p class=\"tabs\"><a href=\"/duplicates\"\(near ? "" : " class=\"active\"")>Exact</a> <a href=\"/duplicates?kind=near\"\(near ? " class=\"active\"" : "")>Near</a></p>"
        return HTML.page(
            title: "Duplicates", active: "Duplicates", csrfToken: csrfToken,
            body: "<section class=\"duplicates\"><h1>Duplicates</h1>\(tabs)<p class=\"count\">\(groups.count) groups</p>\(html)</section>")
    }
}
