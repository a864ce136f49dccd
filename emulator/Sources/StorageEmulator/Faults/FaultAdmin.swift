import AzureWire
import HTTPTypes
import Hummingbird
import NIOCore

/// The run-time control of fault injection: `GET /_ironviper/faults` returns the plan and its counters,
/// `PUT` replaces the plan (the `--faults-file` JSON), `DELETE` clears it.
///
/// No Azure account can be named `_ironviper` (account names are lower-case letters and digits), so the path never
/// shadows storage. It is not authenticated with an account key — it is a local test hook — which is exactly why it
/// answers only loopback peers and refuses everyone else with 403.
struct FaultAdmin: Sendable {
    /// The path, on every service's port.
    static let path = "/_ironviper/faults"
    /// A plan is a few rules; anything larger is a mistake.
    static let maxBody = 1 << 20

    let injector: FaultInjector

    static func handles(_ target: String?) -> Bool {
        guard let target else { return false }
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return path == Self.path || path == Self.path + "/"
    }

    func respond(to request: Request, context: EmulatorRequestContext) async -> Response {
        guard context.peerIsLoopback else {
            return Self.reply(.forbidden, error: "the fault admin endpoint answers loopback clients only")
        }
        switch request.method {
        case .get:
            return Self.reply(.ok, json: injector.json())
        case .put, .post:
            do {
                let body = try await request.body.collect(upTo: Self.maxBody)
                let plan = try FaultPlan(json: body.readableBytesView, defaultSeed: injector.plan.seed)
                injector.replace(with: plan)
                return Self.reply(.ok, json: injector.json())
            } catch let error as EmulatorConfigurationError {
                return Self.reply(.badRequest, error: error.description)
            } catch {
                return Self.reply(.badRequest, error: "could not read the plan: \(error)")
            }
        case .delete:
            injector.clear()
            return Self.reply(.ok, json: injector.json())
        default:
            var response = Self.reply(.methodNotAllowed, error: "use GET, PUT or DELETE")
            response.headers[.allow] = "GET, PUT, DELETE"
            return response
        }
    }

    static func reply(_ status: HTTPResponse.Status, json: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.server] = "ironviper-emulator"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json + "\n")))
    }

    static func reply(_ status: HTTPResponse.Status, error: String) -> Response {
        var writer = JSONWriter()
        writer.beginObject()
        writer.member("error", error)
        writer.endObject()
        return reply(status, json: writer.text)
    }
}
