import Catalog
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /previews/SHA256/NAME`: a preview by content hash and use (`RenditionChoice`: the rendition of that name,
/// else the content's best for it), looked up in the catalog; the file's path comes from the catalog's
/// `renditions` row, never from the URL, so nothing else in the previews folder (or outside it) can be named. A
/// preview made in the cloud and not downloaded yet is fetched first (`CloudPreviews`) when this process can
/// reach the cloud. A content's renditions never change, so the ETag is strong and the response `immutable`: a
/// browser asks once.
struct PreviewFiles: Sendable {
    let catalog: Catalog
    let root: String
    let cloud: CloudPreviews?
    let files = FileIO()
    let memory = InMemoryPreviews()

    func register(on router: Router<BasicRequestContext>) {
        router.get("/previews/:sha/:name") { request, context in try await serve(request, context: context) }
    }

    func serve(_ request: Request, context: BasicRequestContext) async throws -> Response {
        // Lowercase hex only, as the catalog writes it (checked on bytes: this runs for every thumbnail).
        guard let sha256 = context.parameters.get("sha"), sha256.utf8.count == 64,
            sha256.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
            let name = context.parameters.get("name"), RenditionChoice.neededSide[name] != nil
        else { throw HTTPError(.notFound) }
        let tag = "\"\(sha256)-\(name)\""
        let key = sha256 + "/" + name
        let cached = memory.get(key)
        let headers: HTTPFields = [
            .eTag: tag, .cacheControl: "public, max-age=31536000, immutable", .contentType: "image/jpeg",
        ]
        if let sent = request.headers[.ifNoneMatch], sent.split(separator: ",").contains(where: {
            $0.trimmingCharacters(in: .whitespaces) == tag
        }) {
            // Only what the catalog names gets a 304, as it would a 200.
            if try cached != nil || RenditionChoice.best(for: name, among: catalog.renditions(sha256: sha256)) != nil {
                return Response(status: .notModified, headers: headers)
            }
            throw HTTPError(.notFound)
        }
        if let cached { return Response(status: .ok, headers: headers, body: .init(byteBuffer: cached)) }
        guard let rendition = RenditionChoice.best(for: name, among: try catalog.renditions(sha256: sha256)) else {
            throw HTTPError(.notFound)
        }
        let path = root + "/" + rendition.path
        if let cloud, !FileManager.default.fileExists(atPath: path) {
            do { try await cloud.fetch([rendition], sha256) } catch { throw HTTPError(.notFound) }
        }
        if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int,
            size <= InMemoryPreviews.largestKept
        {
            guard let data = FileManager.default.contents(atPath: path) else { throw HTTPError(.notFound) }
            let bytes = ByteBuffer(bytes: data)
            memory.put(key, bytes)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
        }
        let body = try await files.loadFile(path: path, context: context)
        return Response(status: .ok, headers: headers, body: body)
    }
}
