import Foundation
import Testing

@testable import StorageEmulator

/// Requests whose HTTP framing is broken are the client's fault: 400 (or 431) with an Azure error code, then the
/// connection closed. They used to be 500 InternalError (which clients retry), a bare 400 without `x-ms-error-code`,
/// or, for CONNECT, a response on a connection left open.
@Suite struct FramingErrorTests {
    /// Runs `body` against an emulator holding container `uploads`, with a head for an upload that a SAS authorizes,
    /// then checks that the emulator still serves a normal request.
    func withUpload(_ body: (RawHTTPClient, String) async throws -> Void) async throws {
        try await withEmulator { emulator, client in
            #expect(try await client.send("PUT", "/uploads", query: [("restype", "container")]).status == 201)
            let head =
                "PUT /devstoreaccount1/uploads/b?\(TestSAS.container("uploads", permissions: "rwc")) HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nx-ms-version: 2025-11-05\r\nx-ms-blob-type: BlockBlob\r\n"
            try await body(RawHTTPClient(port: try #require(emulator.ports[.blob])), head)
            // After the abuse, the emulator still serves normal requests.
            #expect(try await client.send("GET", "/uploads", query: [("restype", "container")]).status == 200)
        }
    }

    static func expectClientError(
        _ exchange: RawHTTPClient.Exchange, _ status: Int = 400, _ code: String = "InvalidInput",
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(exchange.status == status, "\(String(decoding: exchange.received, as: UTF8.self))",
            sourceLocation: sourceLocation)
        #expect(exchange.headers["x-ms-error-code"] == code, sourceLocation: sourceLocation)
        #expect(exchange.contentLength == exchange.body.count, "a complete response", sourceLocation: sourceLocation)
        #expect(exchange.ending == .closed, sourceLocation: sourceLocation)
    }

    @Test func aBodyShorterThanItsContentLengthIsABadRequest() async throws {
        try await withUpload { raw, head in
            let request = head + "Content-Length: 100\r\n\r\n" + "only ten b"
            Self.expectClientError(try await raw.exchange(raw: Array(request.utf8), halfClose: true))
        }
    }

    @Test(arguments: ["zz\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n"])
    func aBrokenChunkIsABadRequest(_ chunks: String) async throws {
        try await withUpload { raw, head in
            let request = head + "Transfer-Encoding: chunked\r\n\r\n" + chunks
            Self.expectClientError(try await raw.exchange(raw: Array(request.utf8)))
        }
    }

    @Test func connectIsAnsweredAndTheConnectionClosed() async throws {
        try await withUpload { raw, _ in
            let request = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"
            let exchange = try await raw.exchange(raw: Array(request.utf8))
            #expect(exchange.status == 405 && exchange.headers["x-ms-error-code"] == "UnsupportedHttpVerb")
            // NIO's encoder frames every response to CONNECT without a body or Content-Length (a 2xx one would
            // start a tunnel), so closing the connection is what ends this response.
            #expect(exchange.body.isEmpty && exchange.headers["connection"] == "close")
            #expect(exchange.ending == .closed)
        }
    }

    @Test func anOversizedHeaderOrURLGetsAnAzureErrorCode() async throws {
        try await withUpload { raw, _ in
            let big = String(repeating: "a", count: 100 * 1024)
            for request in [
                "GET /devstoreaccount1/uploads/b HTTP/1.1\r\nHost: 127.0.0.1\r\nx-ms-meta-big: \(big)\r\n\r\n",
                "GET /devstoreaccount1/uploads/\(big) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            ] {
                Self.expectClientError(
                    try await raw.exchange(raw: Array(request.utf8)), 431, "RequestHeaderFieldsTooLarge")
            }
        }
    }

    @Test func anUnparseableRequestLineGetsAnAzureErrorCode() async throws {
        try await withUpload { raw, _ in
            Self.expectClientError(try await raw.exchange(raw: Array("GARBAGE\r\n\r\n".utf8)))
        }
    }

    /// Found by the fuzzer: a broken head pipelined behind a good request got NIO's bare 400 (no error code).
    @Test func aBrokenHeadBehindAGoodRequestGetsAnAzureErrorCodeToo() async throws {
        try await withUpload { raw, _ in
            let pipelined = "GET /devstoreaccount1?comp=list HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n"
            let exchange = try await raw.exchange(raw: Array(pipelined.utf8), halfClose: true)
            let text = String(decoding: exchange.received, as: UTF8.self)
            let answers = text.components(separatedBy: "HTTP/1.1 ").dropFirst()
            #expect(answers.count == 2, "\(text)")
            #expect(answers.last?.hasPrefix("400") == true && answers.last?.contains("x-ms-error-code: InvalidInput") == true,
                "\(text)")
        }
    }

    /// Found by the fuzzer (2.5 % of its requests): a request refused before its body was read, whose body then
    /// stops parsing, got Hummingbird's bare 400 after the refusal. Every answer now carries an Azure error code.
    @Test func aBodyThatBreaksAfterAnEarlyRefusalStillGetsErrorCodes() async throws {
        try await withUpload { raw, _ in
            let request =
                "PUT /devstoreaccount1/uploads/anonymous HTTP/1.1\r\nHost: x\r\nx-ms-blob-type: BlockBlob\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + String(repeating: "1\r\nx\r\n", count: 2000) + "zz\r\n\r\n"
            let exchange = try await raw.exchange(raw: Array(request.utf8), halfClose: true)
            let text = String(decoding: exchange.received, as: UTF8.self)
            let answers = text.components(separatedBy: "HTTP/1.1 ").dropFirst()
            #expect(!answers.isEmpty, "\(text)")
            for answer in answers {
                #expect(answer.hasPrefix("4"), "\(text)")
                #expect(answer.lowercased().contains("x-ms-error-code: "), "\(text)")
            }
        }
    }
}
