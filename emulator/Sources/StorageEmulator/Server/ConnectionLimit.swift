import NIOConcurrencyHelpers
import NIOCore

/// Bounds the connections one service's port holds open. Each costs a socket and buffers; a client opening them
/// by the thousand (slowly, or never sending a request) would otherwise exhaust the process's file descriptors and
/// take every service down, the backup daemon's own included when it runs the emulator in-process. A connection
/// over the bound is answered 503 `ServerBusy` (what Azure answers when it sheds load, and what its SDKs retry with
/// backoff), its requests are never served, and its output is ended.
final class ConnectionLimit: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = Any
    typealias OutboundIn = Any

    /// The open connections of one port, shared by the handlers of its connections.
    final class Slots: Sendable {
        let maximum: Int
        private let open = NIOLockedValueBox(0)

        init(maximum: Int) { self.maximum = maximum }

        /// Takes a slot; false when all are taken.
        func take() -> Bool {
            open.withLockedValue { count in
                guard count < maximum else { return false }
                count += 1
                return true
            }
        }

        func giveBack() { open.withLockedValue { $0 -= 1 } }
    }

    private let slots: Slots
    private var state = State.pending
    private var writer: RawResponseWriter?

    private enum State { case pending, admitted, refused, released }

    init(slots: Slots) { self.slots = slots }

    func handlerAdded(context: ChannelHandlerContext) {
        let writer = RawResponseWriter()
        if (try? context.pipeline.syncOperations.addHandler(writer, position: .first)) != nil { self.writer = writer }
        if context.channel.isActive { admit() }
    }

    func channelActive(context: ChannelHandlerContext) {
        admit()
        context.fireChannelActive()
    }

    private func admit() {
        guard state == .pending else { return }
        if slots.take() {
            state = .admitted
            return
        }
        state = .refused
        writer?.writeAndClose(Self.refusal(maximum: slots.maximum))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if state == .refused { return }  // a refused connection's requests are never served
        context.fireChannelRead(data)
    }

    /// The server ending its output (after a `Connection: close` answer, or to end an idle connection) serves
    /// nothing more on it: the slot is free from then, before the client can see the end. The socket lingers only
    /// until the client closes its side or the idle timeout closes it.
    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode != .input { release() }
        context.close(mode: mode, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    private func release() {
        guard state == .admitted else { return }
        state = .released
        slots.giveBack()
    }

    /// A complete 503 response without a body; the error code is in `x-ms-error-code`, where SDKs look first.
    static func refusal(maximum: Int) -> ByteBuffer {
        let head = [
            "HTTP/1.1 503 Service Unavailable", "Content-Length: 0", "Connection: close", "Retry-After: 1",
            "Server: ironviper-emulator", "x-ms-request-id: \(UUIDString.make())",
            "x-ms-version: \(EmulatorDefaults.apiVersion)", "x-ms-error-code: ServerBusy",
        ]
        return ByteBuffer(string: head.joined(separator: "\r\n") + "\r\n\r\n")
    }
}
