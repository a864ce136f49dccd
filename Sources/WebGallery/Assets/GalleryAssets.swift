import HTTPTypes
import Hummingbird

/// The stylesheet and script, compiled into the binary (installing the executable installs the gallery; no
/// build step, nothing fetched from a network). Versioned by content in the ETag, cached for a short while.
enum GalleryAssets {
    static func register(on router: Router<BasicRequestContext>) {
        router.get("/assets/gallery.css") { request, _ in serve(GalleryStyle.text, type: "text/css", request) }
        router.get("/assets/gallery.js") { request, _ in serve(GalleryScript.text, type: "text/javascript", request) }
    }

    private static func serve(_ text: String, type: String, _ request: Request) -> Response {
        let tag = "\"\(String(UInt64(bitPattern: Int64(text.hashValue)), radix: 16))\""
        let headers: HTTPFields = [
            .contentType: type + "; charset=utf-8", .eTag: tag, .cacheControl: "public, max-age=300",
        ]
        if request.headers[.ifNoneMatch] == tag { return Response(status: .notModified, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
