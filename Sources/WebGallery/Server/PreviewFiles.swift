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
///
/// A middleware ahead of the routes rather than a route: a grid page is 120 thumbnails, and resolving each one
/// through the router's trie took 6 % of a thumbnail's CPU (perf, wrk at 16 connections).
struct PreviewFiles: RouterMiddleware {
    typealias Context = BasicRequestContext
    let catalog: Catalog
    let root: String
    let cloud: CloudPreviews?
    let files = FileIO()
    let memory = InMemoryPreviews()

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        guard request.method == .get, path.utf8.starts(with: Self.prefix.utf8) else {
            return try await next(request, context)
        }
        guard let (sha256, name) = Self.parse(path) else { throw HTTPError(.notFound) }
        return try await serve(request, sha256: sha256, name: name, context: context)
    }

    static let prefix = "/previews/"
    /// What every preview answer carries besides its ETag, made once.
    static let headers: HTTPFields = [
        .cacheControl: "public, max-age=31536000, immutable", .contentType: "image/jpeg",
    ]

    /// `SHA256` and `NAME` of `/previews/SHA256/NAME`: lowercase hex only, as the catalog writes it, and a
    /// rendition name the gallery knows (checked on bytes: this runs for every thumbnail).
    static func parse(_ path: String) -> (sha256: String, name: String)? {
        let rest = path.utf8.dropFirst(prefix.utf8.count)
        guard rest.count > 65, let slash = rest.firstIndex(of: UInt8(ascii: "/")),
            rest.distance(from: rest.startIndex, to: slash) == 64,
            rest[..<slash].allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
            let sha256 = String(rest[..<slash]), let name = String(rest[rest.index(after: slash)...]),
            RenditionChoice.neededSide[name] != nil
        else { return nil }
        return (sha256, name)
    }

    func serve(_ request: Request, sha256: String, name: String, context: Context) async throws -> Response {
        let tag = "\"\(sha256)-\(name)\""
        let key = sha256 + "/" + name
        let cached = memory.get(key)
        var headers = Self.headers
        headers[.eTag] = tag
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
        // stat(2), not FileManager's attributes: those also look up the owner's and group's names (an NSS
        // lookup, a socket connect to nscd and a listxattr per file: a cold grid page asks 120 previews at once).
        var info = stat()
        if stat(path, &info) == 0, info.st_size <= InMemoryPreviews.largestKept {
            guard let data = FileManager.default.contents(atPath: path) else { throw HTTPError(.notFound) }
            let bytes = ByteBuffer(bytes: data)
            memory.put(key, bytes)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: bytes))
        }
        let body = try await files.loadFile(path: path, context: context)
        return Response(status: .ok, headers: headers, body: body)
    }
}
