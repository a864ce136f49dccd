import Foundation
import HTTPTypes
import Hummingbird

/// Writes need the server's CSRF token in `X-CSRF-Token`: a page elsewhere can make the browser send a POST
/// (with its cookies or cached Basic credentials), but cannot read the token, which is given only in this
/// gallery's own pages (a `<meta>`) and as a SameSite=Strict cookie. A fresh token per server start.
struct CSRFProtection<Context: RequestContext>: RouterMiddleware {
    let token: String
    static var headerName: HTTPField.Name { HTTPField.Name("X-CSRF-Token")! }
    static var cookieName: String { "ironviper-csrf" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        switch request.method {
        case .get, .head, .options:
            return try await next(request, context)
        default:
            guard let sent = request.headers[Self.headerName],
                ConstantTime.equal(Array(sent.utf8), Array(token.utf8))
            else {
                return Response(
                    status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: .init(string: "CSRF token missing or wrong: reload the page\n")))
            }
            return try await next(request, context)
        }
    }

    /// A random token: 32 bytes as hex.
    static func makeToken() -> String {
        (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max)) }.joined()
    }
}
