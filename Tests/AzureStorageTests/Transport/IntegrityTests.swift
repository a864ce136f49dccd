import AzureStorage
import AzureWire
import Crypto
import Foundation
import Testing

/// Damaged bytes are caught, and a failed download leaves nothing behind.
@Suite struct IntegrityTests {
    @Test func downloadWithWrongMD5FailsAndLeavesNoFile() async throws {
        let body = TestClients.bytes(count: 5000)
        let server = try await MisbehavingServer.start(script: [
            .respond(status: 200, headers: [("Content-MD5", TestClients.md5Base64(Array(body.reversed())))], body: body)
        ])
        let directory = try TestClients.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("photo.jpg").path
        do {
            _ = try await TestClients.with(try TestClients.client(port: server.port)) { client in
                try await client.blobs.download(container: "c", name: "b", to: target, check: .contentMD5)
            }
            Issue.record("a damaged download was accepted")
        } catch let error as AzureStorageError {
            #expect(error.code == .integrity)
        }
        await server.shutdown()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// A range whose bytes do not hash to the CRC64 the service sent with it fails the download, which leaves
    /// nothing behind; a range with the right CRC64 is verified; one sent without any is reported unverified (a
    /// service that does not compute them), never as verified.
    @Test(arguments: [("wrong", false), ("right", true), ("none", true)])
    func rangesAreCheckedAgainstTheirCRC64(_ sent: String, _ accepted: Bool) async throws {
        let body = TestClients.bytes(count: 5000)
        var crc = CRC64()
        body.withUnsafeBytes { crc.update($0) }
        var headers = [("Content-Range", "bytes 0-4999/5000")]
        if sent != "none" {
            let value = sent == "right" ? crc.bytes : crc.bytes.map { $0 ^ 1 }
            headers.append(("x-ms-content-crc64", Data(value).base64EncodedString()))
        }
        let server = try await MisbehavingServer.start(script: [.respond(status: 206, headers: headers, body: body)])
        let directory = try TestClients.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("photo.jpg").path
        let outcome: Result<BlobDownloadResult, any Error>
        do {
            outcome = .success(
                try await TestClients.with(try TestClients.client(port: server.port)) { client in
                    try await client.blobs.download(container: "c", name: "b", to: target)
                })
        } catch {
            outcome = .failure(error)
        }
        await server.shutdown()
        let request = try #require(server.received.first)
        #expect(request.headers["x-ms-range-get-content-crc64"] == "true")
        #expect(request.headers["x-ms-range"] == "bytes=0-\((4 << 20) - 1)")
        switch outcome {
        case .success(let result):
            #expect(accepted)
            #expect(result.verified == (sent == "right"))
            #expect(try Array(Data(contentsOf: URL(fileURLWithPath: target))) == body)
        case .failure(let error):
            #expect(!accepted)
            #expect((error as? AzureStorageError)?.code == .integrity)
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        }
    }

    /// A service that refuses range CRC64s (Azurite in its strict mode: 500 `FeatureNotSupported`) is asked once,
    /// not retried, and the download falls back to the blob's MD5.
    @Test func aServiceWithoutRangeCRC64sIsCheckedByMD5() async throws {
        let body = TestClients.bytes(count: 3000)
        let server = try await MisbehavingServer.start(script: [
            .respond(status: 500, headers: [("x-ms-error-code", "FeatureNotSupported")]),
            .respond(status: 200, headers: [("Content-MD5", TestClients.md5Base64(body))], body: body),
        ])
        let directory = try TestClients.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let target = directory.appendingPathComponent("photo.jpg").path
        let result = try await TestClients.with(try TestClients.client(port: server.port)) { client in
            try await client.blobs.download(container: "c", name: "b", to: target)
        }
        await server.shutdown()
        #expect(server.received.count == 2)
        #expect(server.received[0].headers["x-ms-range-get-content-crc64"] == "true")
        #expect(server.received[1].headers["x-ms-range-get-content-crc64"] == nil)
        #expect(result.verified && result.digest == Array(Insecure.MD5.hash(data: body)))
        #expect(try Array(Data(contentsOf: URL(fileURLWithPath: target))) == body)
    }

    @Test func inMemoryReadWithWrongMD5Fails() async throws {
        let server = try await MisbehavingServer.start(script: [
            .respond(status: 200, headers: [("Content-MD5", TestClients.md5Base64([1]))], body: [2])
        ])
        await #expect {
            try await TestClients.with(try TestClients.client(port: server.port)) { client in
                try await client.blobs.getBlob(container: "c", name: "b")
            }
        } throws: { ($0 as? AzureStorageError)?.code == .integrity }
        await server.shutdown()
    }

    @Test func uploadsSendMD5AndLength() async throws {
        let server = try await MisbehavingServer.start(script: [], fallback: .respond(status: 201))
        let bytes = TestClients.bytes(count: 777)
        _ = try await TestClients.with(try TestClients.client(port: server.port)) { client in
            try await client.blobs.putBlob(container: "c", name: "b", bytes: bytes)
        }
        await server.shutdown()
        let request = try #require(server.received.first)
        #expect(request.method == "PUT")
        #expect(request.bodyLength == 777)
        #expect(request.headers["content-md5"] == TestClients.md5Base64(bytes))
        #expect(request.headers["x-ms-blob-type"] == "BlockBlob")
        #expect(request.headers["expect"] == nil)
    }
}
