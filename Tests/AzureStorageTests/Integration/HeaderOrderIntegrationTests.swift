import AzureStorage
import Foundation
import Testing

/// The service sorts `x-ms-*` headers its own way (see HeaderOrdering); a metadata name with `_`
/// next to one with a digit is where byte order and Azure's order disagree.
@Suite struct HeaderOrderIntegrationTests {
    @Test func metadataNamesWhereAzureOrderIsNotByteOrder() async throws {
        do {
            try await putAndRead()
        } catch let error as AzureStorageError
            where error.status == 403 && error.detail?.contains("is not the same as any computed signature") == true
        {
            // The emulator sorts canonicalized headers in byte order; Azure and its SDKs do not.
            withKnownIssue("the emulator canonicalizes x-ms-* headers in byte order, not Azure's order") {
                Issue.record(error)
            }
        }
    }

    func putAndRead() async throws {
        try await EmulatorFixture.with { _, client in
            let container = EmulatorFixture.containerName()
            try await client.blobs.createContainer(container)
            var options = BlobUploadOptions()
            options.metadata = ["a_b": "1", "a1": "2"]
            try await client.blobs.putBlob(container: container, name: "m", bytes: [1], options: options)
            #expect(
                try await client.blobs.properties(container: container, name: "m").metadata == ["a_b": "1", "a1": "2"])
        }
    }
}
