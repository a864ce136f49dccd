import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// HTTP Basic authentication against the configured password hash, on every request when a hash is set
/// (always for a listener that is not loopback). A header that verified once is remembered by its SHA-256,
/// so the deliberately slow PBKDF2 runs once per browser session, not once per thumbnail.
struct BasicAuthentication<Context: RequestContext>: RouterMiddleware {
    let hash: PasswordHash
    let user: String
    let verified: VerifiedHeaders

    init(hash: PasswordHash, user: String) {
        self.hash = hash
        self.user = user
        verified = VerifiedHeaders()
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let header = request.headers[.authorization], accepts(header) else {
            return Response(
                status: .unauthorized,
                headers: [.wwwAuthenticate: "Basic realm=\"ironviper\", charset=\"UTF-8\"", .contentType: "text/plain"],
                body: .init(byteBuffer: .init(string: "credentials required\n")))
        }
        return try await next(request, context)
    }

    private func accepts(_ header: String) -> Bool {
        let digest = Array(SHA256.hash(data: Array(header.utf8)))
        if verified.contains(digest) { return true }
        guard header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return false }
        let name = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        guard ConstantTime.equal(Array(name.utf8), Array(user.utf8)) && hash.verify(password) else { return false }
        verified.insert(digest)
        return true
    }
}

/// The digests of Authorization headers that verified, shared by every copy of the middleware.
final class VerifiedHeaders: Sendable {
    private let digests = Mutex<Set<[UInt8]>>([])

    func contains(_ digest: [UInt8]) -> Bool { digests.withLock { $0.contains(digest) } }
    func insert(_ digest: [UInt8]) { digests.withLock { _ = $0.insert(digest) } }
}
