import Hummingbird
import Catalog

/// `/` and `/?q=…`: the grid of a search (the whole library, newest first, without one), its facets with
/// counts as links that add their token to the query, and the first page of thumbnails.
struct LibraryPage {
    let catalog: Catalog
    let summaries: ResultSummaries
    let csrfToken: String
    static let pageSize = 120

    /// The page of tiles and the total with the facets are read at once, each on a thread and a connection of
    /// its own (SQLite blocks), as the API's search does.
    func render(query text: String) async throws -> Response {
        let query: SearchQuery
        do {
            query = try SearchQuery(text)
        } catch {
            return HTML.page(
                title: "Search", active: "Library", query: text, csrfToken: csrfToken,
                body: "<section class=\"empty\"><h1>Cannot search</h1><p>\(HTML.escape("\(error)"))</p></section>")
        }
        async let counted = BlockingWork.run("ironviper-web") { [summaries] in try summaries.summary(of: query, text: text) }
        let page = try await BlockingWork.run("ironviper-web") { [catalog] in
            try catalog.galleryPage(query, offset: 0, limit: Self.pageSize, counting: false)
        }
        let summary = try await counted
        let (total, facets) = (summary.total, summary.facets)
        let title = text.isEmpty ? "Library" : text
        let body = """
            <div class="library">
            <aside class="facets" id="facets">\(Self.facets(facets, query: text))</aside>
            <section class="results">
            <p class="count" id="count">\(total) \(total == 1 ? "photo" : "photos")\(text.isEmpty ? "" : " for <q>\(HTML.escape(text))</q>")</p>
            <div class="selection" id="selection" hidden><span id="selected">0 selected</span>
            <input id="selection-tag" placeholder="tag" aria-label="Tag for the selection"><button id="selection-add">Add tag</button>
            <span class="stars" id="selection-stars">\((0...5).map { "<button data-rating=\"\($0)\">\($0)★</button>" }.joined())</span>
            <button id="selection-clear">Clear</button></div>
            <div id="grid" data-q="\(HTML.escape(text))" data-total="\(total)" data-next="\(page.items.count)">
            \(Tiles.render(page.items, query: text, from: 0))
            </div>
            \(total == 0 ? "<p class=\"empty\">Nothing matches.</p>" : "")
            </section>
            \(page.order == .newest ? Self.scrubber(facets.year) : "")
            </div>
            """
        return HTML.page(title: title, active: "Library", query: text, csrfToken: csrfToken, body: body)
    }

    /// The date scrubber: the years of the result, newest first, each jumping the grid to its newest photo.
    static func scrubber(_ years: [FacetValue]) -> String {
        guard years.count > 1 else { return "" }
        return "<nav class=\"scrubber\" id=\"scrubber\" aria-label=\"Jump to a year\">"
            + years.map { "<a href=\"#\" data-through=\"\(HTML.escape($0.value))\">\(HTML.escape($0.value))</a>" }.joined()
            + "</nav>"
    }

    static func facets(_ facets: FacetCounts, query: String) -> String {
        let groups: [(String, [FacetValue])] = [
            ("Camera", facets.camera), ("Year", facets.year), ("Kind", facets.kind), ("Location", facets.gps),
            ("Rating", facets.rating), ("Tags", facets.tags), ("Damaged", facets.damaged),
        ]
        return groups.filter { !$0.1.isEmpty }.map { name, values -> String in
            let links = values.map { value -> String in
                let next = query.isEmpty ? value.token : query + " " + value.token
                let active = query.contains(value.token)
                return "<a class=\"facet\(active ? " active" : "")\" data-token=\"\(HTML.escape(value.token))\" href=\"/?q=\(HTML.query(next))\">"
                    + "\(HTML.escape(value.value))<span class=\"n\">\(value.count)</span></a>"
            }.joined()
            return "<div class=\"facet-group\" data-facet=\"\(name.lowercased())\"><h3>\(name)</h3>\(links)</div>"
        }.joined()
    }
}
