import Catalog
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1/`: what the pages use, documented in the README. Reads run on a thread of their own
/// (`BlockingWork`: SQLite blocks), every answer is JSON, and a file is named by its catalog id only.
struct GalleryAPI: Sendable {
    let catalog: Catalog
    let summaries: ResultSummaries
    let cloud: CloudOriginals?
    let onRetry: @Sendable () -> Void
    let files = FileIO()

    /// One result page and, when asked, the facets of the whole result.
    struct SearchResult: Encodable {
        var total: Int?
        var offset: Int
        var order: ResultOrder
        var items: [SearchHit]
        var facets: FacetCounts?
    }

    struct TagCount: Encodable {
        var tag: String
        var count: Int
    }

    /// `ironviper status`'s catalog half: libraries, the outbox, problems.
    struct Status: Encodable {
        var libraries: [String: LibraryCounts]
        var outbox: OutboxStatus
        var problemCount: Int
        var problems: [FileProblem]
    }

    func register(on router: Router<BasicRequestContext>) {
        let api = router.group("/api/v1")
        api.get("/photos") { request, _ in try await search(request, text: "", facets: false) }
        api.get("/search") { request, _ in
            let form = FormQuery(request)
            return try await search(request, text: form["q"] ?? "", facets: form["facets"] != "false")
        }
        api.get("/facets") { request, _ in
            let text = FormQuery(request)["q"] ?? ""
            guard let query = try? SearchQuery(text) else { return try JSONResponse.error(.badRequest, "bad query") }
            return try JSONResponse.ok(try await blocking { try summaries.summary(of: query, text: text).facets })
        }
        api.get("/items/:id") { _, context in
            guard let id = context.parameters.get("id", as: Int64.self),
                let item = try await blocking({ try catalog.galleryItem(fileId: id) })
            else { return try JSONResponse.error(.notFound, "no such item") }
            return try JSONResponse.ok(item)
        }
        api.get("/items/:id/original") { _, context in try await original(context) }
        api.post("/items/:id/annotation") { request, context in try await annotate(request, context: context) }
        api.get("/tags") { _, _ in
            try JSONResponse.ok(
                try await blocking { try catalog.tagCounts().map { TagCount(tag: $0.tag, count: $0.count) } })
        }
        api.get("/folders") { request, _ in
            let form = FormQuery(request)
            guard let library = form["library"], !library.isEmpty else {
                return try JSONResponse.ok(try await blocking { try catalog.libraryFileCounts() })
            }
            guard let listing = try await blocking({ try catalog.folderListing(library: library, path: form["path"] ?? "") })
            else { return try JSONResponse.error(.notFound, "no such library") }
            return try JSONResponse.ok(listing)
        }
        api.get("/duplicates") { request, _ in
            let form = FormQuery(request)
            let distance = form.int("distance", default: 10, in: 0...32)
            let groups = try await blocking {
                form["kind"] == "near"
                    ? try catalog.nearDuplicateGroups(maxDistance: distance) : try catalog.exactDuplicateGroups()
            }
            return try JSONResponse.ok(groups)
        }
        api.get("/status") { _, _ in try JSONResponse.ok(try await blocking { try status() }) }
        api.post("/status/retry") { _, _ in
            let retried = try await blocking { try Outbox(catalog: catalog).retryParked() }
            onRetry()
            return try JSONResponse.ok(["retried": retried])
        }
    }

    func status() throws -> Status {
        let problems = try catalog.problems(limit: 100)
        return Status(
            libraries: try catalog.libraryCounts(), outbox: try OutboxStatus.read(from: catalog),
            problemCount: problems.total, problems: problems.list)
    }

    private func search(_ request: Request, text: String, facets: Bool) async throws -> Response {
        let form = FormQuery(request)
        let query: SearchQuery
        do { query = try SearchQuery(text) } catch { return try JSONResponse.error(.badRequest, "\(error)") }
        // Ranked results page by `offset`. The newest-first order (no words, or words matching too much of the
        // library to rank) pages by position only, each a seek on the capture-time index: `after=ID` (the last
        // file of the page before), `before=ID` (the detail page's "previous"), `through=2019-07` (the date
        // scrubber: the newest photo taken then or before). An offset there would walk every row before it.
        let after = form["after"].flatMap { Int64($0) }
        let before = form["before"].flatMap { Int64($0) }
        let through = form["through"]
        let offset = form.int("offset", default: 0, in: 0...10_000_000)
        let limit = form.int("limit", default: 100, in: 1...500)
        let counting = form["count"] != "false"
        // The page and the total with the facets are independent reads: on two connections of the pool at once.
        let summary: Task<ResultSummaries.Summary, any Error>? =
            counting || facets ? Task { try await blocking { try summaries.summary(of: query, text: text) } } : nil
        let page: GalleryPage
        do {
            page = try await blocking {
                try catalog.galleryPage(
                    query, offset: offset, limit: limit, after: after, before: before, through: through, counting: false)
            }
        } catch let error as CatalogError where error.code == .invalid || error.code == .badQuery {
            summary?.cancel()
            return try JSONResponse.error(.badRequest, "\(error)")
        }
        let counted = try await summary?.value
        return try JSONResponse.ok(
            SearchResult(
                total: counting ? counted?.total : nil, offset: page.offset, order: page.order, items: page.items,
                facets: facets ? counted?.facets : nil))
    }

    /// The original by catalog id: the local file while it is there, else the master from the cloud when this
    /// process can reach it (the daemon) and the upload was done.
    private func original(_ context: BasicRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: Int64.self),
            let file = try await blocking({ try catalog.original(fileId: id) })
        else { return try JSONResponse.error(.notFound, "no such item") }
        let path: String
        if file.present && FileManager.default.isReadableFile(atPath: file.path) {
            path = file.path
        } else if let cloud, let sha = file.sha256, file.inCloud {
            path = try await cloud.download(sha256: sha)
        } else {
            return try JSONResponse.error(.notFound, "gone from this machine and not reachable in the cloud from here")
        }
        let name = (file.path as NSString).lastPathComponent
        let body = try await files.loadFile(path: path, context: context)
        return Response(
            status: .ok,
            headers: [
                .contentType: file.mime ?? "application/octet-stream",
                .contentDisposition: "attachment; filename*=UTF-8''" + HTML.query(name),
                .cacheControl: "no-store",
            ], body: body)
    }

    private func annotate(_ request: Request, context: BasicRequestContext) async throws -> Response {
        guard let id = context.parameters.get("id", as: Int64.self) else {
            return try JSONResponse.error(.notFound, "no such item")
        }
        let body = try await request.body.collect(upTo: 64 * 1024)
        guard let change = try? JSONDecoder().decode(AnnotationChange.self, from: Data(buffer: body)) else {
            return try JSONResponse.error(.badRequest, "expected {\"addTags\": [], \"removeTags\": [], \"rating\": 0-5 or null}")
        }
        do {
            let annotation = try await blocking {
                try catalog.annotate(
                    fileId: id, addTags: change.addTags, removeTags: change.removeTags, rating: change.rating)
            }
            return try JSONResponse.ok(annotation)
        } catch let error as CatalogError where error.code == .notFound {
            return try JSONResponse.error(.notFound, "\(error)")
        } catch let error as CatalogError where error.code == .invalid {
            return try JSONResponse.error(.badRequest, "\(error)")
        }
    }

    private func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await BlockingWork.run("ironviper-web", body)
    }
}
