import Hummingbird
import Catalog

/// `/folders`: the libraries with their counts; `?library=L&path=P`: that folder's subfolders with the files
/// under each, and a link to its photos in the grid (a `library:` and `folder:` search).
struct FoldersPage {
    let catalog: Catalog
    let csrfToken: String

    func render(library: String?, path: String) throws -> Response {
        guard let library, !library.isEmpty else {
            let roots = try catalog.libraryFileCounts()
            let items = roots.map {
                "<li><a href=\"/folders?library=\(HTML.query($0.name))\">\(HTML.escape($0.name))</a> <span class=\"n\">\($0.count)</span></li>"
            }.joined()
            return HTML.page(
                title: "Folders", active: "Folders", csrfToken: csrfToken,
                body: "<section class=\"folders\"><h1>Libraries</h1><ul class=\"tree\">\(items)</ul></section>")
        }
        guard let listing = try catalog.folderListing(library: library, path: path) else {
            return HTML.notFound("No library is named \(library).", csrfToken: csrfToken)
        }
        var crumbs = "<a href=\"/folders\">Libraries</a> / <a href=\"/folders?library=\(HTML.query(library))\">\(HTML.escape(library))</a>"
        var prefix = ""
        for part in listing.path.split(separator: "/") {
            prefix += (prefix.isEmpty ? "" : "/") + part
            crumbs += " / <a href=\"/folders?library=\(HTML.query(library))&amp;path=\(HTML.query(prefix))\">\(HTML.escape(String(part)))</a>"
        }
        let folders = listing.folders.map {
            "<li><a href=\"/folders?library=\(HTML.query(library))&amp;path=\(HTML.query($0.path))\">\(HTML.escape($0.name))</a> <span class=\"n\">\($0.count)</span></li>"
        }.joined()
        let search = "library:" + Catalog.quotedIfNeeded(library)
            + (listing.path.isEmpty ? "" : " folder:" + Catalog.quotedIfNeeded(listing.path))
        let page = try catalog.galleryPage(try SearchQuery(search), offset: 0, limit: LibraryPage.pageSize)
        let body = """
            <section class="folders"><p class="crumbs">\(crumbs)</p>
            <ul class="tree">\(folders)</ul>
            <p>\(listing.files) files directly here · <a href="/?q=\(HTML.query(search))">all \((page.total ?? 0)) below in the grid</a></p>
            <div id="grid" data-q="\(HTML.escape(search))" data-total="\((page.total ?? 0))" data-next="\(page.items.count)">\(Tiles.render(page.items, query: search, from: 0))</div>
            </section>
            """
        return HTML.page(title: library + "/" + listing.path, active: "Folders", csrfToken: csrfToken, body: body)
    }
}
