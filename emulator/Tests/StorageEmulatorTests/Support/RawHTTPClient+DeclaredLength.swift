import Foundation

extension RawHTTPClient {
    /// Sends a request head declaring a body of `length` bytes, and none of it: the client's side is then shut, so
    /// a server that waits for the body sees it end early (a 400) while one that refuses from the header answers
    /// before reading any. Tests of multi-gigabyte limits allocate nothing this way.
    func declaring(
        length: Int, _ method: String, _ target: String, headers: [String: String] = [:]
    ) async throws -> Exchange {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        head += "x-ms-version: 2025-11-05\r\nContent-Length: \(length)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        return try await exchange(raw: Array((head + "\r\n").utf8), halfClose: true)
    }
}
