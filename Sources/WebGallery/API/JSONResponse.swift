import Foundation
import HTTPTypes
import Hummingbird

/// JSON bodies of the API: sorted keys (stable for tests and diffs), errors as `{"error": "…"}`.
enum JSONResponse {
    static func ok<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) throws -> Response {
        try ok(["error": message], status: status)
    }
}

/// The query string as a browser's form sends it (`+` for a space), which Hummingbird's decoder leaves as `+`.
struct FormQuery {
    private var values: [String: String] = [:]

    init(_ request: Request) {
        for pair in (request.uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            let key = decode(parts[0])
            if values[key] == nil { values[key] = parts.count > 1 ? decode(parts[1]) : "" }
        }
    }

    subscript(_ key: String) -> String? { values[key] }

    func int(_ key: String, default value: Int, in range: ClosedRange<Int>) -> Int {
        values[key].flatMap(Int.init).map { min(max($0, range.lowerBound), range.upperBound) } ?? value
    }
}
