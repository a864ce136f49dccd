import Catalog
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /previews/SHA256/NAME`: a rendition by content hash and rendition name, looked up in the catalog; the
/// file's path comes from the catalog's `renditions` row, never from the URL, so nothing else in the previews
/// folder (or outside it) can be named. A content's rendition never changes, so the ETag is strong and the
/// response `immutable`: a browser asks once.
struct PreviewFiles: Sendable {
    let catalog: Catalog
    let root: String
    let files = FileIO()
    let cache = PreviewCache()

    static let names: Set<String> = ["hd", "1600", "800", "600", "400", "200", "100", "h400", "w400", "sq100"]

    func register(on router: Router<BasicRequestContext>) {
        router.get("/previews/:sha/:name") { request, context in try await serve(request, context: context) }
    }

    func serve(_ request: Request, context: BasicRequestContext) async throws -> Response {
        // Lowercase hex only, as the catalog writes it (checked on bytes: this runs for every thumbnail).
        guard let sha256 = context.parameters.get("sha"), sha256.utf8.count == 64,
            sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
            let name = context.parameters.get("name"), Self.names.contains(name)
        else { throw HTTPError(.notFound) }
        let tag = "\"\(sha256)-\(name)\""
        let key = sha256 + "/" + name
        let cached = cache.get(key)
        var headers: HTTPFields = [
            .eTag: tag, .cacheControl: "public, max-age=31536000, immutable", .contentType: "image/jpeg",
        ]
        if let sent = request.headers[.ifNoneMatch], sent.split(separator: ",").contains(where: {
            $0.trimmingCharacters(in: .whitespaces) == tag
        }) {
            // Only what the catalog names gets a 304, as it would a 200.
            if try cached != nil || catalog.renditionFile(sha256: sha256, name: name) != nil {
                return Response(status: .notModified, headers: headers)
            }
            throw HTTPError(.notFound)
        }
        if let cached { return Response(status: .ok, headers: headers, body: .init(byteBuffer: cached)) }
        guard let relative = try catalog.renditionFile(sha256: sha256, name: name) else {
            throw HTTPError(.notFound)
        }
        let path = root + "/" + relative
        if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size <= PreviewCache.largestKept {
            guard let data = FileManager.default.contents(atPath: path) else { throw HTTPError(.notFound) }
            let bytes = ByteBuffer(bytes: data)
            cache.put(key, bytes)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
        }
        let body = try await files.loadFile(path: path, context: context)
        return Response(status: .ok, headers: headers, body: body)
    }
}
