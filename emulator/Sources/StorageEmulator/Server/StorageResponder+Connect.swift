import HTTPTypes
import Hummingbird
import NIOCore

extension StorageResponder {
    /// CONNECT asks for a tunnel, which a storage endpoint never opens. The HTTP decoder takes whatever follows its
    /// head for tunnelled bytes, so the connection cannot carry another request: it is answered with a complete
    /// error response (a fuzzer saw a bare 400 without Content-Length, the connection left open) and closed.
    func refuseTunnel(_ request: Request, context: Context) -> Response {
        let requestID = UUIDString.make()
        let error = StorageError(
            .methodNotAllowed, "UnsupportedHttpVerb",
            "The resource doesn't support specified Http Verb. CONNECT opens a tunnel; this is a storage endpoint.")
        var response = handler.errorResponse(error, for: nil)
        finish(&response, parsed: nil, requestID: requestID)
        response.headers[.connection] = "close"
        // With no more input, the server ends the connection once this response is written.
        context.channel.close(mode: .input, promise: nil)
        accessLog?.record(request: request, status: response.status, service: handler.kind)
        return response
    }
}
