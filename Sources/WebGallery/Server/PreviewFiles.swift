import Catalog
import Foundation
import HTTPTypes
import Hummingbird

/// `GET /previews/SHA256/NAME`: a rendition by content hash and rendition name, looked up in the catalog; the
/// file's path comes from the catalog's `renditions` row, never from the URL, so nothing else in the previews
/// folder (or outside it) can be named. A content's rendition never changes, so the ETag is strong and the
/// response `immutable`: a browser asks once.
struct PreviewFiles: Sendable {
    let catalog: Catalog
    let root: String
    let files = FileIO()

    static let names: Set<String> = ["hd", "1600", "800", "600", "400", "200", "100", "h400", "w400", "sq100"]

    func register(on router: Router<BasicRequestContext>) {
        router.get("/previews/:sha/:name") { request, context in try await serve(request, context: context) }
    }

    func serve(_ request: Request, context: BasicRequestContext) async throws -> Response {
        guard let sha = context.parameters.get("sha"), sha.count == 64, sha.allSatisfy(\.isHexDigit),
            let name = context.parameters.get("name"), Self.names.contains(name)
        else { throw HTTPError(.notFound) }
        let sha256 = sha.lowercased()
        let tag = "\"\(sha256)-\(name)\""
        guard let relative = try catalog.renditionFile(sha256: sha256, name: name) else {
            throw HTTPError(.notFound)
        }
        var headers: HTTPFields = [
            .eTag: tag, .cacheControl: "public, max-age=31536000, immutable", .contentType: "image/jpeg",
        ]
        if let sent = request.headers[.ifNoneMatch], sent.split(separator: ",").contains(where: {
            $0.trimmingCharacters(in: .whitespaces) == tag
        }) {
            return Response(status: .notModified, headers: headers)
        }
        let body = try await files.loadFile(path: root + "/" + relative, context: context)
        headers[.contentLength] = nil
        return Response(status: .ok, headers: headers, body: body)
    }
}
