import Catalog
import Foundation
import Testing
import WebGallery

/// One test per security rule of the gallery (Syncthing's): each fails if its rule is taken out.
@Suite("Gallery security")
struct GallerySecurityTests {
    /// Loopback only unless configured.
    @Test func listensOnLoopbackByDefault() {
        let configuration = GalleryConfiguration(previewsRoot: "/nowhere")
        #expect(configuration.listen == ListenAddress("127.0.0.1:8780"))
        #expect(configuration.listen.isLoopback)
        #expect(ListenAddress("[::1]:0")?.isLoopback == true && ListenAddress("localhost:1")?.isLoopback == true)
        #expect(ListenAddress("0.0.0.0:8780")?.isLoopback == false && ListenAddress("192.168.1.2:80")?.isLoopback == false)
    }

    /// A listener other machines reach refuses to start without a password; with one, every request needs it.
    @Test func notLoopbackNeedsAPassword() async throws {
        let catalogFolder = NSTemporaryDirectory() + "gallery-refuse-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: catalogFolder) }
        let catalog = try Catalog(path: catalogFolder + "/catalog.sqlite")
        let open = GalleryConfiguration(listen: try ListenAddress("0.0.0.0:0").unwrap(), previewsRoot: catalogFolder)
        #expect(throws: GalleryError.self) { try GalleryServer(configuration: open, catalog: catalog) }

        let hash = try PasswordHash.make(password: "s3cret", rounds: 1000)
        var guarded = open
        guarded.passwordHash = hash
        _ = try GalleryServer(configuration: guarded, catalog: catalog)
        #expect(hash.verify("s3cret") && !hash.verify("s3cre"))
        #expect(try PasswordHash(parsing: hash.description) == hash)

        try await GalleryBed.with(passwordHash: hash) { (bed: GalleryBed) async throws in
            #expect(try await bed.request("/api/v1/photos").status == 401)
            let wrong = "Basic " + Data("ironviper:nope".utf8).base64EncodedString()
            #expect(try await bed.request("/api/v1/photos", headers: ["Authorization": wrong]).status == 401)
            let right = "Basic " + Data("ironviper:s3cret".utf8).base64EncodedString()
            #expect(try await bed.request("/api/v1/photos", headers: ["Authorization": right]).status == 200)
            #expect(try await bed.request("/previews/\(GalleryBed.sha(1))/200").status == 401)
        }
    }

    /// DNS rebinding: a Host header naming this machine by a foreign name is refused.
    @Test func foreignHostHeaderIsRefused() async throws {
        try await GalleryBed.with(allowedHosts: ["photos.lan"]) { (bed: GalleryBed) async throws in
            #expect(try await bed.request("/api/v1/photos", headers: ["Host": "evil.example:\(bed.port)"]).status == 403)
            #expect(try await bed.request("/", headers: ["Host": "evil.example"]).status == 403)
            for host in ["localhost:\(bed.port)", "127.0.0.1", "[::1]:\(bed.port)", "photos.lan:\(bed.port)"] {
                #expect(try await bed.request("/api/v1/photos", headers: ["Host": host]).status == 200, "\(host)")
            }
            // Accepted names are remembered (`AcceptedHosts`), foreign ones never: still refused after many
            // accepted requests, and so are names past the remembered few.
            for index in 0..<20 {
                #expect(try await bed.request("/", headers: ["Host": "127.0.0.\(index + 1)"]).status == 200)
            }
            #expect(try await bed.request("/api/v1/photos", headers: ["Host": "evil.example:\(bed.port)"]).status == 403)
            #expect(try await bed.request("/api/v1/photos", headers: ["Host": "PHOTOS.LAN"]).status == 200)
        }
    }

    /// Writes need the CSRF token of the gallery's own page.
    @Test func writesNeedTheCSRFToken() async throws {
        try await GalleryBed.with { bed in
            let id = try bed.fileId("2021/cat.jpg")
            let body = #"{"addTags": ["forged"]}"#
            #expect(try await bed.request("/api/v1/items/\(id)/annotation", method: "POST", body: body).status == 403)
            let wrong = ["X-CSRF-Token": String(repeating: "0", count: 64)]
            #expect(try await bed.request("/api/v1/items/\(id)/annotation", method: "POST", headers: wrong, body: body).status == 403)
            #expect(try await bed.request("/api/v1/status/retry", method: "POST", body: "{}").status == 403)
            #expect(try bed.catalog.search(SearchQuery("tag:forged")).isEmpty)
            let right = ["X-CSRF-Token": try await bed.csrfToken()]
            #expect(try await bed.request("/api/v1/items/\(id)/annotation", method: "POST", headers: right, body: body).status == 200)
        }
    }

    /// Nothing outside the catalog can be named by a URL: previews by the catalog's rendition rows only,
    /// originals by catalog id only, no path from the URL ever reaches the file system.
    @Test func nothingOutsideTheCatalogIsServed() async throws {
        try await GalleryBed.with { bed in
            // A file in the previews folder that no rendition row names.
            let stray = String(repeating: "ab", count: 32)
            let strayPath = bed.previews + "/ab/\(stray)"
            try FileManager.default.createDirectory(atPath: strayPath, withIntermediateDirectories: true)
            try Data("secret".utf8).write(to: URL(fileURLWithPath: strayPath + "/200.jpg"))
            #expect(try await bed.request("/previews/\(stray)/200").status == 404)
            for target in [
                "/previews/../catalog.sqlite", "/previews/%2e%2e/%2e%2e/catalog.sqlite", "/previews/\(GalleryBed.sha(1))/..%2f..%2fcatalog.sqlite",
                "/catalog.sqlite", "/data/catalog.sqlite", "/photos/2021/cat.jpg", "/api/v1/items/../../etc/passwd",
                "/api/v1/items/9999/original", "/assets/../catalog.sqlite",
                // Answered before the routes (`PreviewFiles.parse`): only 64 lowercase hex digits and a known name.
                "/previews/\(GalleryBed.sha(1).dropLast())/200",
                "/previews/\(GalleryBed.sha(1))/200/x", "/previews/\(GalleryBed.sha(1))/", "/previews/",
                "/previews/\(GalleryBed.sha(1))/200.jpg", "/previews/\(GalleryBed.sha(1))x/200",
            ] {
                let response = try await bed.request(target)
                #expect(response.status == 404 || response.status == 400, "\(target)")
                #expect(!response.text.contains("SQLite format") && !response.text.contains("secret"), "\(target)")
            }
            // A cataloged file gone from disk is not served either.
            try FileManager.default.removeItem(atPath: bed.photos + "/2021/cat.jpg")
            #expect(try await bed.request("/api/v1/items/\(try bed.fileId("2021/cat.jpg"))/original").status == 404)
        }
    }

    /// The Content-Security-Policy lets pages run only the gallery's own script file, and the pages need no more.
    @Test func contentSecurityPolicyForbidsInlineAndForeignScripts() async throws {
        try await GalleryBed.with { bed in
            for target in ["/", "/item/\(try bed.fileId("2021/cat.jpg"))", "/api/v1/photos", "/nothing-here"] {
                let header = try await bed.request(target).header("Content-Security-Policy")
                let policy = try #require(header, "\(target)")
                #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))
                #expect(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"))
            }
            let page = try await bed.request("/").text
            #expect(!page.contains("<script>") && !page.contains(" onclick=") && !page.contains(" onerror="))
        }
    }
}
