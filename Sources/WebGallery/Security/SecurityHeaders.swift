import HTTPTypes
import Hummingbird

/// Headers on every response, errors included: a Content-Security-Policy that lets the pages run only the
/// gallery's own script and style files (no inline script, nothing from elsewhere, no framing), no MIME
/// sniffing, no referrer. Thrown HTTP errors are turned into responses here so they get them too.
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    static var policy: String { SecurityHeaderValues.policy }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        // Appended, not assigned: no handler sets these, and fields made once are not validated again per response.
        response.headers.append(contentsOf: SecurityHeaderValues.fields)
        return response
    }
}

/// The headers and the policy, made once: every response, thumbnails included, carries them.
enum SecurityHeaderValues {
    static let policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    static let fields: [HTTPField] = [
        HTTPField(name: .contentSecurityPolicy, value: policy),
        HTTPField(name: HTTPField.Name("X-Content-Type-Options")!, value: "nosniff"),
        HTTPField(name: HTTPField.Name("Referrer-Policy")!, value: "no-referrer"),
        HTTPField(name: HTTPField.Name("X-Frame-Options")!, value: "DENY"),
    ]
}
