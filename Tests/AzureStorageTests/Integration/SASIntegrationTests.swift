import AzureStorage
import Foundation
import StorageEmulator
import Testing

/// SAS-only access: a connection string with no key, and generated links used by another client.
@Suite struct SASIntegrationTests {
    static let key = AccountKey(base64: TestClients.developmentKey)!
    static let generator = SharedAccessSignature(accountName: "devstoreaccount1", key: key)

    static func sasClient(_ emulator: RunningEmulator, token: String) throws -> StorageClient {
        var configuration = StorageClientConfiguration()
        configuration.retry = TestClients.quickRetries
        return try StorageClient(
            connectionString: "BlobEndpoint=\(emulator.endpoint(.blob));SharedAccessSignature=\(token)",
            configuration: configuration, logger: TestClients.quietLogger)
    }


    @Test func sasOnlyConnectionStringCanUploadListAndDownload() async throws {
        try await sasOnly()
    }

    func sasOnly() async throws {
        try await EmulatorFixture.with { emulator, client in
            let container = EmulatorFixture.containerName()
            try await client.blobs.createContainer(container)
            let token = Self.generator.container(
                container, permissions: "racwdl", expiry: Date().addingTimeInterval(3600))
            let sasClient = try Self.sasClient(emulator, token: token)
            try await TestClients.with(sasClient) { sas in
                let bytes = TestClients.bytes(count: 2048)
                try await sas.blobs.putBlob(container: container, name: "via-sas.jpg", bytes: bytes)
                #expect(try await sas.blobs.allBlobs(container: container).map(\.name) == ["via-sas.jpg"])
                #expect(try await sas.blobs.getBlob(container: container, name: "via-sas.jpg").bytes == bytes)
                // The container SAS does not reach other containers.
                await #expect(throws: AzureStorageError.self) {
                    try await sas.blobs.putBlob(container: "elsewhere", name: "x", bytes: [1])
                }
            }
        }
    }

    @Test func readOnlyLinkReadsButCannotWrite() async throws {
        try await readOnlyLink()
    }

    func readOnlyLink() async throws {
        try await EmulatorFixture.with { emulator, client in
            let container = EmulatorFixture.containerName()
            try await client.blobs.createContainer(container)
            let bytes = TestClients.bytes(count: 300)
            try await client.blobs.putBlob(container: container, name: "IMG 0001.JPG", bytes: bytes)
            let url = try client.blobs.sharedAccessURL(
                container: container, name: "IMG 0001.JPG", expiry: Date().addingTimeInterval(600))
            #expect(url.hasPrefix(emulator.endpoint(.blob) + "/\(container)/IMG%200001.JPG?"))
            let token = String(url[url.index(after: try #require(url.firstIndex(of: "?")))...])
            #expect(token.contains("sp=r&") && token.contains("sr=b&"))
            try await TestClients.with(try Self.sasClient(emulator, token: token)) { reader in
                #expect(try await reader.blobs.getBlob(container: container, name: "IMG 0001.JPG").bytes == bytes)
                do {
                    try await reader.blobs.putBlob(container: container, name: "IMG 0001.JPG", bytes: [0])
                    Issue.record("a read-only SAS wrote a blob")
                } catch let error as AzureStorageError {
                    #expect(error.status == 403)
                }
            }
        }
    }

    @Test func expiredLinkIsRefused() async throws {
        try await EmulatorFixture.with { emulator, client in
            let container = EmulatorFixture.containerName()
            try await client.blobs.createContainer(container)
            try await client.blobs.putBlob(container: container, name: "old", bytes: [1, 2, 3])
            let token = Self.generator.blob(
                container: container, blob: "old", permissions: "r", expiry: Date().addingTimeInterval(-60))
            try await TestClients.with(try Self.sasClient(emulator, token: token)) { reader in
                do {
                    _ = try await reader.blobs.getBlob(container: container, name: "old")
                    Issue.record("an expired SAS was accepted")
                } catch let error as AzureStorageError {
                    #expect(error.status == 403)
                }
            }
        }
    }

    @Test func sasLinksNeedTheAccountKey() async throws {
        try await EmulatorFixture.with { emulator, _ in
            _ = try await TestClients.with(try Self.sasClient(emulator, token: "sv=2024-11-04&sig=x")) { sas in
                #expect(throws: AzureStorageError.self) {
                    try sas.blobs.sharedAccessURL(container: "c", name: "b", expiry: Date())
                }
            }
        }
    }
}
