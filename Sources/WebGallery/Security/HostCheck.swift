import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// Refuses a request whose Host header names this machine by a name it was not given (DNS rebinding: a
/// web page on `evil.example` whose name an attacker points at 127.0.0.1 would otherwise read the gallery
/// with the user's browser). Accepted: `localhost` (and `*.localhost`), IP literals, the listen host and the
/// configured `allowed_hosts`, as Syncthing does.
struct HostCheck<Context: RequestContext>: RouterMiddleware {
    let allowed: Set<String>
    /// Host headers already accepted, exactly as sent: a browser sends the same one on every request (a grid page
    /// is 120 thumbnails), so parsing it again is skipped. Bounded: past `AcceptedHosts.capacity` names, nothing
    /// more is kept.
    private let accepted = AcceptedHosts()

    init(configuration: GalleryConfiguration) {
        allowed = Set(([configuration.listen.host] + configuration.allowedHosts).map { $0.lowercased() })
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let authority = request.head.authority ?? request.headers[HostHeader.name]
        if let authority, accepted.contains(authority) { return try await next(request, context) }
        guard let host = Self.hostName(request), accepts(host) else {
            return Response(
                status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: .init(string: "Host check error: this address is not the gallery's\n")))
        }
        if let authority { accepted.insert(authority) }
        return try await next(request, context)
    }

    /// The host part of the Host header (`:authority`), lowercased, without port or IPv6 brackets.
    static func hostName(_ request: Request) -> String? {
        guard let authority = request.head.authority ?? request.headers[HostHeader.name], !authority.isEmpty
        else { return nil }
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            return String(authority[authority.index(after: authority.startIndex)..<close]).lowercased()
        }
        let host = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return host.lowercased()
    }

    func accepts(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") || allowed.contains(host) { return true }
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}

/// The Host headers a `HostCheck` accepted, at most `capacity` of them (a gallery is reached by a name or two).
final class AcceptedHosts: Sendable {
    let capacity = 16
    private let hosts = Mutex<Set<String>>([])

    func contains(_ authority: String) -> Bool { hosts.withLock { $0.contains(authority) } }

    func insert(_ authority: String) {
        hosts.withLock { hosts in if hosts.count < capacity { hosts.insert(authority) } }
    }
}

/// `Host`, parsed once (HTTP/1's Host usually arrives as `:authority`; this is the fallback).
enum HostHeader {
    static let name = HTTPField.Name("Host")!
}
