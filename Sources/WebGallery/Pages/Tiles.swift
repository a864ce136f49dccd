import Catalog

/// The grid's thumbnails, grouped by the month they were taken: the same markup the script builds for the
/// pages it loads later (`gallery.js` `tile()`), so both look alike.
enum Tiles {
    static func render(_ hits: [SearchHit], query: String, from offset: Int, lastMonth: String? = nil) -> String {
        var html = ""
        var month = lastMonth
        var open = false
        for (index, hit) in hits.enumerated() {
            let thisMonth = hit.takenAt.map { String($0.prefix(7)) } ?? "undated"
            if thisMonth != month {
                if open { html += "</div>" }
                open = true
                html += "<h2 class=\"month\" data-month=\"\(thisMonth)\">\(monthTitle(thisMonth))</h2><div class=\"tiles\">"
                month = thisMonth
            }
            html += tile(hit, query: query, at: offset + index)
        }
        if open { html += "</div>" }
        return html
    }

    static func tile(_ hit: SearchHit, query: String, at: Int) -> String {
        let name = HTML.escape(hit.path.split(separator: "/").last.map(String.init) ?? hit.path)
        let href = "/item/\(hit.fileId)?q=\(HTML.query(query))&amp;at=\(at)"
        guard let sha = hit.sha256 else {
            return "<a class=\"tile nopreview\" href=\"\(href)\" data-id=\"\(hit.fileId)\"><span>\(name)</span></a>"
        }
        return """
            <a class="tile" href="\(href)" data-id="\(hit.fileId)" title="\(HTML.escape(hit.library + "/" + hit.path))">\
            <img loading="lazy" decoding="async" src="/previews/\(sha)/200" \
            srcset="/previews/\(sha)/200 1x, /previews/\(sha)/400 2x" alt="\(name)"><span>\(name)</span></a>
            """
    }

    static func monthTitle(_ month: String) -> String {
        let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                     "October", "November", "December"]
        let parts = month.split(separator: "-")
        guard parts.count == 2, let number = Int(parts[1]), (1...12).contains(number) else { return "Undated" }
        return "\(names[number - 1]) \(parts[0])"
    }
}
