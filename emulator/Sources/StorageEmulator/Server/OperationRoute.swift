import Foundation

/// One row of the route table: an operation, a request that routes to it, and what a credential needs for it.
///
/// Each service's operation enum lists its routes in an exhaustive `switch` (`BlobOperation+Route.swift`,
/// `QueueOperation+Route.swift`, `TableOperation+Route.swift`), so adding an operation without a route does not
/// compile, and the authorization matrix test, which iterates `OperationRoute.all`, covers it from the start.
struct OperationRoute: Sendable, CustomStringConvertible {
    var service: ServiceKind
    /// The operation's name (its enum case).
    var name: String
    var method: String
    /// The path after `/ACCOUNT`, with placeholders for the resources: `{container}`, `{blob}`, `{queue}`, `{table}`.
    var path: String
    var query: [(String, String)] = []
    /// Headers the operation needs to route or to get past validation; `{source}` stands for a copy source URL.
    var headers: [(String, String)] = []
    var body: String = ""
    var access: OperationAccess

    var description: String { "\(service) \(name)" }

    /// Every operation of every service.
    static var all: [OperationRoute] {
        BlobOperation.allCases.map(\.route) + QueueOperation.allCases.map(\.route)
            + TableOperation.allCases.map(\.route)
    }

    /// The path with its placeholders replaced by resource names.
    func path(_ names: [String: String]) -> String { Self.fill(path, names) }

    /// The headers with their placeholders replaced.
    func headers(_ names: [String: String]) -> [(String, String)] { headers.map { ($0.0, Self.fill($0.1, names)) } }

    /// The body with its placeholders replaced.
    func body(_ names: [String: String]) -> String { Self.fill(body, names) }

    private static func fill(_ text: String, _ names: [String: String]) -> String {
        var text = text
        for (name, value) in names { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }
}
