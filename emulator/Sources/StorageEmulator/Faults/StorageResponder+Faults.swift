import AzureWire
import HTTPTypes
import Hummingbird
import NIOCore

/// Applying an injected fault to one request.
///
/// `before` faults strike instead of the operation (nothing changes); `after` faults let the operation commit and
/// then replace its response. Reads (GET, HEAD) change nothing, so a fault that damages a body (`reset-mid-body`,
/// `truncate`) always serves the read and damages its real response, whatever the phase.
extension StorageResponder {
    func decideFault(for request: Request) -> FaultDecision? {
        faults.decide(service: handler.kind, method: request.method.rawValue) {
            let target = request.head.path ?? "/"
            let pathEnd = target.firstIndex(of: "?") ?? target.endIndex
            let path = PercentEncoding.decode(target[..<pathEnd])
            let query =
                pathEnd < target.endIndex ? StorageRequest.parseQuery(target[target.index(after: pathEnd)...]) : []
            return (path, query.first { $0.name.lowercased() == "comp" }?.value)
        }
    }

    func respond(to request: Request, context: Context, fault: FaultDecision) async throws -> Response {
        let isRead = request.method == .get || request.method == .head
        let channel = context.channel
        let note = " fault=\(fault.kind):\(fault.phase)#\(fault.request)"
        switch fault.kind {
        case .latency:
            if fault.phase == .before { try await Task.sleep(for: fault.latency) }
            let response = await serve(request, context: context)
            if fault.phase == .after { try await Task.sleep(for: fault.latency) }
            return response
        case .internalError, .serverBusy, .timedOut:
            if fault.phase == .after { _ = await serve(request, context: context) }
            let response = errorResponse(for: fault, request: request)
            accessLog?.record(request: request, status: response.status, service: handler.kind, note: note)
            return response
        case .reset:
            if fault.phase == .after { _ = await serve(request, context: context) }
            accessLog?.record(request: request, status: .init(code: 0), service: handler.kind, note: note)
            await channel.resetConnection()
            return Response(status: .internalServerError)
        case .resetMidBody:
            accessLog?.record(request: request, status: .init(code: 0), service: handler.kind, note: note)
            if !isRead && fault.phase == .before {
                // The client is cut off while it is still sending: the operation never sees the request.
                if Self.hasBody(request) { await Self.readAbout(half: request) }
                await channel.resetConnection()
                return Response(status: .internalServerError)
            }
            let response = await serve(request, context: context)
            guard let length = Self.bodyLength(response, request), length > 0 else {
                await channel.resetConnection()
                return Response(status: .internalServerError)
            }
            return FaultCuttingWriter.cutting(response, after: length / 2) { await channel.resetConnection() }
        case .truncate:
            accessLog?.record(request: request, status: .init(code: 0), service: handler.kind, note: note)
            var response: Response
            if isRead || fault.phase == .after {
                response = await serve(request, context: context)
            } else {
                // Drain the unapplied body first: closing a socket with unread input makes the kernel send a reset,
                // and a truncation must end in an orderly close.
                await Self.drain(request)
                response = errorResponse(for: fault, request: request)
            }
            // An empty body cannot be cut short: cut the error response instead (the operation's outcome is hidden).
            if (Self.bodyLength(response, request) ?? 0) == 0 { response = errorResponse(for: fault, request: request) }
            let length = Self.bodyLength(response, request) ?? 0
            return FaultCuttingWriter.cutting(response, after: length / 2) { await channel.closeConnection() }
        }
    }

    /// The error Azure sends for the fault, in the service's wire format; `truncate` borrows the 500.
    func errorResponse(for fault: FaultDecision, request: Request) -> Response {
        let requestID = UUIDString.make()
        let parsed = try? StorageRequest(service: handler.kind, request: request, requestID: requestID)
        let error: StorageError
        switch fault.kind {
        case .serverBusy:
            var headers = HTTPFields()
            headers[.retryAfter] = String(fault.retryAfterSeconds)
            error = StorageError(
                .serviceUnavailable, "ServerBusy", "The server is currently unable to receive requests. Please retry your request.",
                headers: headers)
        case .timedOut:
            error = StorageError(
                .requestTimeout, "OperationTimedOut", "The operation could not be completed within the permitted time.")
        default:
            error = StorageError(
                .internalServerError, "InternalError", "Server encountered an internal error. Please try again after some time.")
        }
        var response = handler.errorResponse(error, for: parsed)
        finish(&response, parsed: parsed, requestID: requestID)
        return response
    }

    static func hasBody(_ request: Request) -> Bool {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }) { return length > 0 }
        return request.headers[.transferEncoding] != nil
    }

    /// Reads roughly the first half of the request body (at least one piece), leaving the rest unread.
    static func readAbout(half request: Request) async {
        let target = max(1, (request.headers[.contentLength].flatMap { Int($0) } ?? 2) / 2)
        var read = 0
        do {
            for try await part in request.body {
                read += part.readableBytes
                if read >= target { break }
            }
        } catch {
            // The client went away first: nothing more to cut.
        }
    }

    static func drain(_ request: Request) async {
        do {
            for try await _ in request.body {}
        } catch {
            // The client went away: there is nothing left to cut.
        }
    }

    /// How many body bytes the response will send (none for HEAD, whatever its Content-Length says).
    static func bodyLength(_ response: Response, _ request: Request) -> Int? {
        if request.method == .head { return 0 }
        return response.body.contentLength ?? response.headers[.contentLength].flatMap { Int($0) }
    }
}
