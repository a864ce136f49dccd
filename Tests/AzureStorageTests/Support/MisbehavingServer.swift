import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A deliberately unreliable HTTP/1.1 server on a free loopback port: it answers each request
/// with the next step of a script (fail, drop the connection, cut a body short, hang), then with
/// the fallback answer. It records what it received so tests can check what the client sent.
final class MisbehavingServer: Sendable {
    /// What to do with one request.
    enum Step: Sendable {
        /// Answer normally.
        case respond(status: Int, headers: [(String, String)] = [], body: [UInt8] = [])
        /// Close the connection without answering.
        case dropConnection
        /// Announce `declared` bytes, send `sent` of `body`, then close.
        case truncatedBody(status: Int, headers: [(String, String)] = [], body: [UInt8], sent: Int)
        /// Never answer (until the client gives up or the server shuts down).
        case hang
    }

    /// One request as the server saw it.
    struct Received: Sendable {
        var method: String
        var target: String
        var headers: [String: String]
        var bodyLength: Int
    }

    private struct State {
        var script: [Step]
        var fallback: Step
        var received: [Received] = []
        var arrivals: [AsyncStream<Int>.Continuation] = []
    }

    private let state: Mutex<State>
    private let channel: any Channel
    let port: Int

    /// Starts listening on 127.0.0.1 and a free port.
    static func start(script: [Step], fallback: Step = .respond(status: 200)) async throws -> MisbehavingServer {
        try await MisbehavingServer(script: script, fallback: fallback)
    }

    private init(script: [Step], fallback: Step) async throws {
        state = Mutex(State(script: script, fallback: fallback))
        // The handler needs the server to fetch steps; it is created per connection below.
        let router = StepRouter()
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ScriptedHandler(router: router))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
        router.server.withLock { $0 = self }
    }

    /// Everything received so far, in order.
    var received: [Received] { state.withLock { $0.received } }

    /// A stream that yields the running request count each time a request arrives.
    func arrivals() -> AsyncStream<Int> {
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        state.withLock { $0.arrivals.append(continuation) }
        return stream
    }

    func shutdown() async {
        try? await channel.close()
        state.withLock { state in
            for continuation in state.arrivals { continuation.finish() }
        }
    }

    fileprivate func nextStep(for request: Received) -> Step {
        state.withLock { state in
            state.received.append(request)
            for continuation in state.arrivals { continuation.yield(state.received.count) }
            return state.script.isEmpty ? state.fallback : state.script.removeFirst()
        }
    }
}

/// Lets per-connection handlers reach the server once it exists.
private final class StepRouter: Sendable {
    let server = Mutex<MisbehavingServer?>(nil)
}

/// Parses requests off one connection and plays the script's steps.
private final class ScriptedHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let router: StepRouter
    var buffer = ByteBuffer()

    init(router: StepRouter) { self.router = router }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        while let request = nextRequest() {
            guard let server = router.server.withLock({ $0 }) else { return }
            play(server.nextStep(for: request), context: context)
        }
    }

    private func nextRequest() -> MisbehavingServer.Received? {
        let bytes = buffer.readableBytesView
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: bytes[bytes.startIndex..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let headLength = end.upperBound - bytes.startIndex
        guard buffer.readableBytes >= headLength + length else { return nil }
        buffer.moveReaderIndex(forwardBy: headLength + length)
        buffer.discardReadBytes()
        return .init(
            method: String(requestLine.first ?? ""), target: String(requestLine.dropFirst().first ?? ""),
            headers: headers, bodyLength: length)
    }

    private func play(_ step: MisbehavingServer.Step, context: ChannelHandlerContext) {
        switch step {
        case .respond(let status, let headers, let body):
            write(status: status, headers: headers, declared: body.count, body: body[...], context: context)
        case .dropConnection:
            context.close(promise: nil)
        case .truncatedBody(let status, let headers, let body, let sent):
            write(status: status, headers: headers, declared: body.count, body: body.prefix(sent), context: context)
            context.close(promise: nil)
        case .hang:
            break
        }
    }

    private func write(
        status: Int, headers: [(String, String)], declared: Int, body: ArraySlice<UInt8>, context: ChannelHandlerContext
    ) {
        var head = "HTTP/1.1 \(status) Scripted\r\nContent-Length: \(declared)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        var out = context.channel.allocator.buffer(capacity: head.utf8.count + body.count)
        out.writeString(head)
        out.writeBytes(body)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }
}
