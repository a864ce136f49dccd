import Catalog
import Hummingbird

/// The HTML pages. Each renders its first screen on the server (it works without the script); the script
/// adds what needs it: more pages on scroll, live search, keyboard navigation, tags and rating, live status.
struct GalleryPages: Sendable {
    let catalog: Catalog
    let summaries: ResultSummaries
    let csrfToken: String

    func register(on router: Router<BasicRequestContext>) {
        router.get("/") { request, _ in
            let text = FormQuery(request)["q"] ?? ""
            return try await LibraryPage(catalog: catalog, summaries: summaries, csrfToken: csrfToken).render(query: text)
        }
        router.get("/item/:id") { request, context in
            let form = FormQuery(request)
            let id = context.parameters.get("id", as: Int64.self)
            return try await BlockingWork.run("ironviper-web") {
                try ItemPage(catalog: catalog, csrfToken: csrfToken).render(
                    id: id, query: form["q"] ?? "", at: form["at"].flatMap(Int.init))
            }
        }
        router.get("/folders") { request, _ in
            let form = FormQuery(request)
            return try await BlockingWork.run("ironviper-web") {
                try FoldersPage(catalog: catalog, csrfToken: csrfToken).render(
                    library: form["library"], path: form["path"] ?? "")
            }
        }
        router.get("/duplicates") { request, _ in
            let near = FormQuery(request)["kind"] == "near"
            return try await BlockingWork.run("ironviper-web") {
                try DuplicatesPage(catalog: catalog, csrfToken: csrfToken).render(near: near)
            }
        }
        router.get("/status") { _, _ in
            HTML.page(
                title: "Status", active: "Status", csrfToken: csrfToken,
                body: """
                    <section class="status" id="status" data-live="/api/v1/status"><h1>Status</h1>
                    <p class="muted">Loading…</p></section>
                    """)
        }
    }
}
