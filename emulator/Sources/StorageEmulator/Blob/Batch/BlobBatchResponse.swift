import HTTPTypes
import Hummingbird
import NIOCore

/// The body of a Blob Batch answer: one `application/http` part per subrequest, in order, each with the
/// subrequest's `Content-ID` and its complete HTTP response (status line, headers, body), as Azure writes it.
/// Unlike a Table `$batch` there is no changeset: each subrequest stands alone.
struct BlobBatchResponse {
    let boundary = "batchresponse_" + UUIDString.make()
    private var text = ""

    var contentType: String { "multipart/mixed; boundary=\(boundary)" }

    mutating func append(status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer, contentID: String?) {
        text += "--\(boundary)\r\nContent-Type: application/http\r\n"
        if let contentID { text += "Content-ID: \(contentID)\r\n" }
        text += "\r\nHTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n"
        for field in headers where field.name != .contentLength { text += "\(field.name.rawName): \(field.value)\r\n" }
        text += "Content-Length: \(body.readableBytes)\r\n\r\n"
        if body.readableBytes > 0 { text += String(buffer: body) + "\r\n" }
    }

    func finish() -> String { text + "--\(boundary)--\r\n" }

    /// The bytes of a response's body (a subresponse's error document; successes have none).
    static func collect(_ response: Response) async throws -> ByteBuffer {
        let collected = Collected()
        try await response.body.write(CollectingWriter(into: collected))
        return collected.buffer
    }

    private final class Collected {
        var buffer = ByteBuffer()
    }

    private struct CollectingWriter: ResponseBodyWriter {
        let into: Collected
        mutating func write(_ buffer: ByteBuffer) async throws {
            var buffer = buffer
            into.buffer.writeBuffer(&buffer)
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
