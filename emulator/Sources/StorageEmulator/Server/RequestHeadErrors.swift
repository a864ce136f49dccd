import Foundation
import NIOCore
import NIOHTTPTypes

/// Answers a request head the HTTP decoder could not parse (a malformed request line, headers or URL over the
/// decoder's 80 KiB limits, an unknown method) with an Azure-style error: Hummingbird's own answer is a bare 400
/// without `x-ms-error-code`, which Azure's SDKs report as an unknown error.
///
/// It sits after the HTTP codec, so it sees decode errors and the request and response parts. A decode error while
/// no request is being read or answered is the client's unparseable head: the handler writes the error response
/// itself, as raw bytes through `RawResponseWriter` at the socket end of the pipeline, and ends the connection (its
/// framing is lost). During a request's body the error is passed on: the request body fails, and `ClientBody` makes
/// that a 400 of the request's own service. A broken head pipelined behind a request still being answered waits for
/// that answer's end, then gets the same error response (NIO's own answer would be a bare 400). Typed parts: telling
/// them apart by their case name through `Mirror` was 5 % of the CPU of a 1 KiB GET.
final class RequestHeadErrors: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart

    private var writer: RawResponseWriter?
    /// Requests whose head arrived and whose response has not been written to its end.
    private var outstanding = 0
    /// A request's head arrived and its end has not: a decode error now is about its body.
    private var reading = false
    /// The decode error of a head that came while earlier requests were still being answered.
    private var pending: (any Error)?

    func handlerAdded(context: ChannelHandlerContext) {
        let writer = RawResponseWriter()
        if (try? context.pipeline.syncOperations.addHandler(writer, position: .first)) != nil { self.writer = writer }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            outstanding += 1
            reading = true
        case .end: reading = false
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let end = if case .end = unwrapOutboundIn(data) { true } else { false }
        if end { outstanding = max(0, outstanding - 1) }
        context.write(data, promise: promise)
        if end, outstanding == 0, let error = pending, let writer {
            pending = nil
            writer.writeAndClose(Self.response(for: error))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !(error is IOError), !(error is ChannelError), let writer else {
            context.fireErrorCaught(error)
            return
        }
        if outstanding == 0 {
            writer.writeAndClose(Self.response(for: error))
        } else if !reading {
            pending = pending ?? error  // the next head is broken: answered after the current response
        } else {
            context.fireErrorCaught(error)
        }
    }

    /// `head`, `body` or `end`: the case of an HTTP request or response part.
    /// A complete response without a body (the error code is in `x-ms-error-code`, where SDKs look first).
    static func response(for error: any Error) -> ByteBuffer {
        // NIO reports a request line or a header block over its limits as `HTTPParserError.headerOverflow`, described
        // as "too many header bytes seen; overflow detected" (FramingErrorTests pins this).
        let (status, code) =
            String(describing: error).contains("overflow")
            ? ("431 Request Header Fields Too Large", "RequestHeaderFieldsTooLarge")
            : ("400 Bad Request", "InvalidInput")
        let head = [
            "HTTP/1.1 \(status)", "Content-Length: 0", "Connection: close", "Server: ironviper-emulator",
            "x-ms-request-id: \(UUIDString.make())", "x-ms-version: \(EmulatorDefaults.apiVersion)",
            "x-ms-error-code: \(code)",
        ]
        return ByteBuffer(string: head.joined(separator: "\r\n") + "\r\n\r\n")
    }
}

/// The pipeline's first handler, at the socket: writes bytes below the HTTP encoder for `RequestHeadErrors`.
final class RawResponseWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Writes the response, then ends the output only: closing the socket outright while the client is still
    /// sending (the rest of an oversized head) would reset the connection and could destroy the response before
    /// the client reads it. The client closes its side, or the idle timeout closes the connection.
    func writeAndClose(_ bytes: ByteBuffer) {
        guard let context else { return }
        context.writeAndFlush(wrapOutboundOut(bytes)).assumeIsolated().whenComplete { _ in
            context.close(mode: .output, promise: nil)
        }
    }
}
