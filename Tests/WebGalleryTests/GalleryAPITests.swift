import Catalog
import Foundation
import Testing
import WebGallery

/// `/api/v1/` against a real catalog: what the pages use and the README documents.
@Suite("Gallery API")
struct GalleryAPITests {
    @Test func listIsNewestFirstAndSearchNarrowsWithFacets() async throws {
        try await GalleryBed.with { bed in
            let list = try #require(try await bed.request("/api/v1/photos?limit=2").json() as? [String: Any])
            #expect(list["total"] as? Int == 5)
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.map { $0["path"] as? String } == ["2021/cat.jpg", "2020/beach/copy of dog.jpg"])
            #expect(list["order"] as? String == "newest")

            let search = try #require(try await bed.request("/api/v1/search?q=sunset").json() as? [String: Any])
            #expect(search["total"] as? Int == 2)
            let facets = try #require(search["facets"] as? [String: [[String: Any]]])
            #expect(facets["camera"]?.first?["value"] as? String == "FUJIFILM X-T3")
            #expect(facets["camera"]?.first?["token"] as? String == "camera:\"FUJIFILM X-T3\"")
            #expect(facets["gps"]?.first?["count"] as? Int == 1)
            // The facet's token narrows the query (spaces in a quoted facet value included).
            let narrowed = try await bed.request("/api/v1/search?q=dog%20camera:%22Canon%20EOS%20R5%22").json()
            #expect((narrowed as? [String: Any])?["total"] as? Int == 2)
            #expect(try await bed.request("/api/v1/search?q=taken:2019-13").status == 400)
        }
    }

    @Test func itemHasEveryPathOfItsContentAndItsBackupState() async throws {
        try await GalleryBed.with { bed in
            let id = try bed.fileId("2020/beach/dog.jpg")
            let item = try #require(try await bed.request("/api/v1/items/\(id)").json() as? [String: Any])
            #expect((item["paths"] as? [[String: Any]])?.map { $0["path"] as? String } == [
                "2020/beach/copy of dog.jpg", "2020/beach/dog.jpg",
            ])
            #expect((item["asset"] as? [String: Any])?["cameraModel"] as? String == "Canon EOS R5")
            #expect((item["backup"] as? [String: Any])?["masterInCloud"] as? Bool == false)
            #expect((item["renditions"] as? [String]) == ["200"])
            #expect(try await bed.request("/api/v1/items/9999").status == 404)
        }
    }

    @Test func tagsAndRatingAreSearchableAtOnce() async throws {
        try await GalleryBed.with { bed in
            let token = try await bed.csrfToken()
            let id = try bed.fileId("2021/cat.jpg")
            let response = try await bed.request("/api/v1/items/\(id)/annotation", method: "POST", headers: ["X-CSRF-Token": token],
                body: #"{"addTags": ["Family", "winter sun"], "rating": 5}"#)
            #expect(response.status == 200)
            #expect((try response.json() as? [String: Any])?["tags"] as? [String] == ["Family", "winter sun"])
            #expect(try bed.catalog.search(SearchQuery("tag:family")).map(\.path) == ["2021/cat.jpg"])
            #expect(try bed.catalog.search(SearchQuery("tag:\"winter sun\" rating:5")).map(\.path) == ["2021/cat.jpg"])
            let facets = try await bed.request("/api/v1/facets?q=").json() as? [String: [[String: Any]]]
            #expect(facets?["tags"]?.map { $0["value"] as? String }.sorted { ($0 ?? "") < ($1 ?? "") } == ["Family", "winter sun"])

            let cleared = try await bed.request("/api/v1/items/\(id)/annotation", method: "POST", headers: ["X-CSRF-Token": token],
                body: #"{"removeTags": ["family"], "rating": null}"#)
            #expect((try cleared.json() as? [String: Any])?["rating"] == nil)
            #expect(try bed.catalog.search(SearchQuery("tag:family")).isEmpty)
            #expect(try bed.catalog.search(SearchQuery("rating:1")).isEmpty)
            let bad = try await bed.request("/api/v1/items/\(id)/annotation", method: "POST", headers: ["X-CSRF-Token": token], body: #"{"rating": 9}"#)
            #expect(bad.status == 400)
        }
    }

    @Test func foldersDuplicatesAndStatus() async throws {
        try await GalleryBed.with { bed in
            let roots = try await bed.request("/api/v1/folders").json() as? [[String: Any]]
            #expect(roots?.first?["count"] as? Int == 5)
            let library = try bed.catalog.libraries()[0].name
            let listing = try await bed.request("/api/v1/folders?library=\(library)&path=2020").json() as? [String: Any]
            #expect((listing?["folders"] as? [[String: Any]])?.map { $0["name"] as? String } == ["beach"])
            let duplicates = try await bed.request("/api/v1/duplicates").json() as? [[[String: Any]]]
            #expect(duplicates?.count == 1 && duplicates?[0][0]["sha256"] as? String == GalleryBed.sha(3))
            let status = try await bed.request("/api/v1/status").json() as? [String: Any]
            #expect((status?["libraries"] as? [String: Any])?.count == 1)
            #expect(status?["outbox"] != nil)
        }
    }

    @Test func previewsByContentHashAreImmutable() async throws {
        try await GalleryBed.with { bed in
            let sha = GalleryBed.sha(1)
            let preview = try await bed.request("/previews/\(sha)/200")
            #expect(preview.status == 200 && preview.text == "jpeg of 1")
            #expect(preview.header("ETag") == "\"\(sha)-200\"")
            #expect(preview.header("Cache-Control")?.contains("immutable") == true)
            let again = try await bed.request("/previews/\(sha)/200", headers: ["If-None-Match": "\"\(sha)-200\""])
            #expect(again.status == 304 && again.body.isEmpty)
            // No 400 rendition: its best, the largest it has (RenditionChoice); a name the gallery never asks: 404.
            #expect(try await bed.request("/previews/\(sha)/400").text == "jpeg of 1")
            #expect(try await bed.request("/previews/\(sha)/1440").status == 404)
            #expect(try await bed.request("/previews/\(GalleryBed.sha(9))/200").status == 404)  // no such content
        }
    }

    @Test func originalByCatalogId() async throws {
        try await GalleryBed.with { bed in
            let original = try await bed.request("/api/v1/items/\(try bed.fileId("2021/cat.jpg"))/original")
            #expect(original.status == 200 && original.text == "photo 4")
            #expect(original.header("Content-Disposition")?.contains("cat.jpg") == true)
        }
    }

    @Test func pagesRender() async throws {
        try await GalleryBed.with { bed in
            let home = try await bed.request("/?q=sunset")
            #expect(home.status == 200 && home.text.contains("/previews/\(GalleryBed.sha(1))/200"))
            #expect(!home.text.contains(GalleryBed.sha(4)))
            #expect(home.text.contains("href=\"/?q=sunset%20camera%3A%22FUJIFILM%20X-T3%22\""))
            let item = try await bed.request("/item/\(try bed.fileId("2019/rome/sunset 1.jpg"))?q=sunset&at=0")
            #expect(item.status == 200 && item.text.contains("41.890000, 12.490000"))
            #expect(item.text.contains("<button class=\"star\" data-rating=\"5\""))  // markup, not a SQL literal
            for page in ["/folders", "/duplicates", "/duplicates?kind=near", "/status", "/assets/gallery.js", "/assets/gallery.css"] {
                #expect(try await bed.request(page).status == 200, "\(page)")
            }
        }
    }
}

/// The date scrubber's jump: `through=` starts the newest-first order at the newest photo of that period.
@Suite("Gallery scrubber")
struct GalleryScrubberTests {
    @Test func throughJumpsToThePeriod() async throws {
        try await GalleryBed.with { bed in
            let page = try await bed.request("/api/v1/photos?through=2020&limit=2&count=false").json() as? [String: Any]
            let paths = (page?["items"] as? [[String: Any]])?.map { $0["path"] as? String }
            #expect(paths == ["2020/beach/copy of dog.jpg", "2020/beach/dog.jpg"])
            let earlier = try await bed.request("/api/v1/photos?through=2019-07&limit=5").json() as? [String: Any]
            #expect((earlier?["items"] as? [[String: Any]])?.count == 2)
            #expect(try await bed.request("/").text.contains("data-through=\"2021\""))
            #expect(try await bed.request("/api/v1/photos?through=2019-13").status == 400)
        }
    }

    /// A deep page is asked by position, never by offset (which walks every row before it): each seek gives
    /// exactly the rows the whole newest-first order has there.
    @Test func deepPagesByPositionAreTheWholeOrdersRows() async throws {
        try await GalleryBed.with { bed in
            func paths(_ target: String) async throws -> [String] {
                let page = try await bed.request(target).json() as? [String: Any]
                return ((page?["items"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String }
            }
            func ids(_ target: String) async throws -> [Int64] {
                let page = try await bed.request(target).json() as? [String: Any]
                return ((page?["items"] as? [[String: Any]]) ?? []).compactMap { ($0["fileId"] as? Int).map(Int64.init) }
            }
            let whole = try await ids("/api/v1/photos?limit=100")
            #expect(whole.count == 5)
            for index in 1..<whole.count {
                #expect(try await ids("/api/v1/photos?limit=100&count=false&after=\(whole[index - 1])") == Array(whole[index...]))
                #expect(try await ids("/api/v1/photos?limit=1&count=false&before=\(whole[index])") == [whole[index - 1]])
            }
            #expect(try await paths("/api/v1/photos?limit=1&count=false&through=2019-07-14") == ["2019/rome/sunset 2.jpg"])
            let refused = try await bed.request("/api/v1/photos?offset=4&limit=2")
            #expect(refused.status == 400 && refused.text.contains("after="))
            // A ranked search still pages by offset.
            let ranked = try await bed.request("/api/v1/search?q=sunset&offset=1&limit=1").json() as? [String: Any]
            #expect(ranked?["order"] as? String == "rank" && (ranked?["items"] as? [[String: Any]])?.count == 1)
        }
    }
}
