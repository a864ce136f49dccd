import AzureWire
import Foundation
import HTTPTypes
import Hummingbird

/// Server-rendered pages: escaping, the shared frame (header, navigation, search box) and the response. The
/// CSRF token goes into a `<meta>` the script reads and into a SameSite=Strict cookie; pages are never cached
/// (they show live state), unlike previews and assets.
enum HTML {
    /// Text and attribute values: the XML bodies' escaping (`&<>"'` and control characters as references),
    /// which HTML reads back the same.
    static func escape(_ text: String) -> String { XMLText.escape(text) }

    /// A query-string value.
    static func query(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    static func page(title: String, active: String, query: String = "", csrfToken: String, body: String) -> Response {
        func link(_ href: String, _ label: String) -> String {
            "<a href=\"\(href)\"\(label == active ? " class=\"active\" aria-current=\"page\"" : "")>\(label)</a>"
        }
        let text = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="csrf-token" content="\(csrfToken)">
            <title>\(escape(title)) · ironviper</title>
            <link rel="stylesheet" href="/assets/gallery.css">
            <script src="/assets/gallery.js" defer></script>
            </head><body data-page="\(escape(active.lowercased()))">
            <header class="bar"><a class="brand" href="/">ironviper</a>
            <nav>\(link("/", "Library"))\(link("/folders", "Folders"))\(link("/duplicates", "Duplicates"))\(link("/status", "Status"))</nav>
            <form class="search" action="/" method="get" role="search">
            <input id="q" name="q" type="search" value="\(escape(query))" autocomplete="off" spellcheck="false"
             placeholder="sunset camera:fuji taken:2019-07..2019-08 has:gps tag:family rating:4" aria-label="Search">
            </form></header>
            <main>\(body)</main>
            </body></html>
            """
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .setCookie: "\(CSRFProtection<BasicRequestContext>.cookieName)=\(csrfToken); Path=/; SameSite=Strict",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func notFound(_ what: String, csrfToken: String) -> Response {
        var response = page(
            title: "Not found", active: "", csrfToken: csrfToken,
            body: "<section class=\"empty\"><h1>Not found</h1><p>\(escape(what))</p></section>")
        response.status = .notFound
        return response
    }

    static func bytes(_ count: Int64) -> String {
        ByteCountFormatter.string(fromByteCount: count, countStyle: .file)
    }
}
