import Foundation
import Hummingbird

/// `bare-previews PREVIEWS_DIR`: every `XX/SHA/200.jpg` under PREVIEWS_DIR held in memory and served at
/// `/previews/SHA/200` with the gallery's caching headers; prints `listening on http://127.0.0.1:PORT` (port 0
/// picks a free one). What Hummingbird itself costs per small response, with nothing of ironviper around it.
let root = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "."
var previews: [String: ByteBuffer] = [:]
for shard in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
    for sha in (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + shard)) ?? [] {
        if let data = FileManager.default.contents(atPath: "\(root)/\(shard)/\(sha)/200.jpg") {
            previews[sha] = ByteBuffer(bytes: data)
        }
    }
}
let loaded = previews
let router = Router()
router.get("/previews/:sha/:name") { _, context -> Response in
    guard let sha = context.parameters.get("sha"), let bytes = loaded[sha] else { throw HTTPError(.notFound) }
    return Response(
        status: .ok,
        headers: [
            .eTag: "\"\(sha)-200\"", .cacheControl: "public, max-age=31536000, immutable", .contentType: "image/jpeg",
        ],
        body: .init(byteBuffer: bytes))
}
let app = Application(
    router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
    onServerRunning: { channel in
        let line = "listening on http://127.0.0.1:\(channel.localAddress?.port ?? 0) (\(loaded.count) previews)\n"
        FileHandle.standardOutput.write(Data(line.utf8))
    })
try await app.runService()
