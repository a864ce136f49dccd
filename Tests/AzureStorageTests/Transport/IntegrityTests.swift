import AzureStorage
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
                try await client.blobs.download(container: "c", name: "b", to: target)
            }
            Issue.record("a damaged download was accepted")
        } catch let error as AzureStorageError {
            #expect(error.code == .integrity)
        }
        await server.shutdown()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
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
