import HTTPTypes
import Hummingbird
import NIOCore

/// A response body writer that lets the first `remaining` bytes through, then cuts the connection and stops the
/// body's producer: the client has the full head with the real `Content-Length` and only part of the body.
struct FaultCuttingWriter: ResponseBodyWriter {
    /// Thrown to the body's producer once the connection is cut, so it stops reading the blob.
    struct Cut: Error {}

    var inner: any ResponseBodyWriter
    var remaining: Int
    let cut: @Sendable () async -> Void

    mutating func write(_ buffer: ByteBuffer) async throws {
        if buffer.readableBytes < remaining {
            remaining -= buffer.readableBytes
            try await inner.write(buffer)
            return
        }
        if remaining > 0, let head = buffer.getSlice(at: buffer.readerIndex, length: remaining) {
            try await inner.write(head)
        }
        remaining = 0
        await cut()
        throw Cut()
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        // The body ended before the cut point (a limit at or past its length): cut anyway, the fault must show.
        await cut()
        throw Cut()
    }

    /// `response` with its body cut after `limit` bytes by `cut`.
    static func cutting(_ response: Response, after limit: Int, by cut: @escaping @Sendable () async -> Void) -> Response {
        var response = response
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            try await body.write(FaultCuttingWriter(inner: writer, remaining: limit, cut: cut))
        }
        return response
    }
}
