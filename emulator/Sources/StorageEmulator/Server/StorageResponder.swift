import AzureWire
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The HTTP entry point of one service's port: parse, authenticate, hand to the service, and turn
/// any failure into the service's own error response. Nothing escapes as a bare 500. Fault injection and its
/// admin endpoint sit in front of the services (`StorageResponder+Faults.swift`).
struct StorageResponder: HTTPResponder {
    typealias Context = EmulatorRequestContext

    let handler: any StorageServiceHandler
    let authenticator: Authenticator
    let store: EmulatorStore
    let accessLog: AccessLog?
    let faults: FaultInjector
    /// Counts what is served and answers `/metrics`, when the emulator was started with metrics.
    let metrics: EmulatorMetrics?
    /// The port speaks TLS: requests are `https` (for URLs in answers, `spr=https` SAS and bearer tokens).
    var overTLS = false

    func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        request.body = RequestBody(asyncSequence: ClientBody(base: request.body))
        if request.method == .connect { return refuseTunnel(request, context: context) }
        if FaultAdmin.handles(request.head.path) {
            return await FaultAdmin(injector: faults).respond(to: request, context: context)
        }
        if let metrics, request.method == .get, request.head.path == "/metrics" { return await metrics.response() }
        if let fault = decideFault(for: request) {
            metrics?.faultInjected(fault.kind)
            context.logger.debug(
                "fault injected",
                metadata: [
                    "kind": "\(fault.kind)", "phase": "\(fault.phase)", "request": "\(fault.request)",
                    "rule": "\(fault.ruleIndex)", "path": "\(request.head.path ?? "")",
                ])
            return try await respond(to: request, context: context, fault: fault)
        }
        return await serve(request, context: context)
    }

    /// Parses, authenticates and performs the operation; every failure becomes the service's own error response.
    func serve(_ request: Request, context: Context) async -> Response {
        let started = ContinuousClock.now
        let requestID = UUIDString.make()
        var parsed: StorageRequest?
        var response: Response
        do {
            var storageRequest = try StorageRequest(service: handler.kind, request: request, requestID: requestID)
            storageRequest.restoreHost(request.head.authority)
            storageRequest.isSecure = overTLS
            parsed = storageRequest
            let clientAddress = context.channel.remoteAddress?.ipAddress
            let credential = try await authenticator.authenticate(storageRequest, clientAddress: clientAddress)
            let operationContext = OperationContext(
                credential: credential, authenticator: authenticator, store: store, clientAddress: clientAddress)
            response = try await handler.respond(to: storageRequest, context: operationContext)
        } catch let error as StorageError {
            response = handler.errorResponse(error, for: parsed)
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.head.path ?? "")", "error": "\(error)"])
            response = handler.errorResponse(.internalError(String(describing: error)), for: parsed)
        }
        finish(&response, parsed: parsed, requestID: requestID)
        accessLog?.record(request: request, status: response.status, service: handler.kind)
        metrics?.answered(
            service: handler.kind, operation: EmulatorMetrics.operation(parsed, method: request.method),
            status: response.status, received: Int64(request.headers[.contentLength] ?? "") ?? 0,
            sent: Int64(response.headers[.contentLength] ?? "") ?? 0, elapsed: ContinuousClock.now - started)
        return response
    }

    /// Adds the headers every response carries, as Azure sends them.
    func finish(_ response: inout Response, parsed: StorageRequest?, requestID: String) {
        for field in type(of: handler).standardHeaders(parsed) where response.headers[field.name] == nil {
            response.headers.append(field)
        }
        response.headers[.xMsRequestID] = requestID
    }
}

/// Azurite-style access log: one line per request on standard output, and to the `--debug` file.
final class AccessLog: Sendable {
    private let toStandardOutput: Bool
    private let debugFile: FileHandle?

    init?(silent: Bool, debugPath: String?) {
        if silent && debugPath == nil { return nil }
        toStandardOutput = !silent
        if let debugPath {
            _ = FileManager.default.createFile(atPath: debugPath, contents: nil)
            debugFile = FileHandle(forWritingAtPath: debugPath)
            _ = try? debugFile?.seekToEnd()
        } else {
            debugFile = nil
        }
    }

    func record(request: Request, status: HTTPResponse.Status, service: ServiceKind, note: String = "") {
        let line = "\(HTTPDate.iso8601(Date(), fractionDigits: 3)) \(service) \(request.method) \(request.head.path ?? "") \(status.code)\(note)\n"
        if toStandardOutput { FileHandle.standardOutput.write(Data(line.utf8)) }
        debugFile?.write(Data(line.utf8))
    }
}
