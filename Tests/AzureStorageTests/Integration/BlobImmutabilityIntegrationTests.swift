import Crypto
import Foundation
import StorageEmulator
import Testing

@testable import AzureStorage

/// The client's side of version-level immutability against the in-process emulator with the feature switched on
/// for the account (as Azure's management plane would): a policy on Put Blob and on a block upload's Put Block
/// List, read back from Get Blob Properties and List Blobs, extended by Set Blob Immutability Policy; a Locked
/// policy is never shortened, and what the service refuses arrives with Azure's code.
@Suite struct BlobImmutabilityIntegrationTests {
    static func withWORM<T>(
        _ body: (RunningEmulator, StorageClient) async throws -> T,
        configure: (inout StorageClientConfiguration) -> Void = { _ in }
    ) async throws -> T {
        try await EmulatorFixture.with(
            emulator: { $0.accountFeatures = ["devstoreaccount1": AccountFeatures(blob: BlobFeatures(versioning: true, versionLevelImmutability: true))] },
            configure: configure, body)
    }

    @Test func aPolicyOnPutBlobIsReportedByPropertiesAndListingAndOnlyExtended() async throws {
        try await Self.withWORM { _, client in
            let container = EmulatorFixture.containerName()
            try await client.blobs.createContainer(container)
            let until = Date().addingTimeInterval(3600)
            var options = BlobUploadOptions()
            options.ifNotExists = true
            options.immutabilityPolicy = ImmutabilityPolicy(until: until, mode: .locked)
            let result = try await client.blobs.putBlob(
                container: container, name: "master", bytes: TestClients.bytes(count: 100), options: options)
            #expect(result.versionID != nil)
            let properties = try await client.blobs.properties(container: container, name: "master")
            #expect(properties.immutabilityPolicy == ImmutabilityPolicy(until: until, mode: .locked))
            #expect(properties.versionID == result.versionID)
            let listed = try await client.blobs.allBlobs(container: container, includeImmutabilityPolicy: true)
            #expect(listed.map(\.properties.immutabilityPolicy) == [ImmutabilityPolicy(until: until, mode: .locked)])
            // Without asking, a listing carries no policy.
            #expect(try await client.blobs.allBlobs(container: container).first?.properties.immutabilityPolicy == nil)

            let later = ImmutabilityPolicy(until: until.addingTimeInterval(3600), mode: .locked)
            let granted = try await client.blobs.setImmutabilityPolicy(
                container: container, name: "master", versionID: result.versionID, policy: later)
            #expect(granted == later)
            let error = await #expect(throws: AzureStorageError.self) {
                try await client.blobs.setImmutabilityPolicy(
                    container: container, name: "master", policy: ImmutabilityPolicy(until: until, mode: .locked))
            }
            #expect(error?.status == 409 && error?.errorCode == "BlobImmutableDueToPolicy")
            let refused = await #expect(throws: AzureStorageError.self) {
                try await client.blobs.delete(container: container, name: "master")
            }
            #expect(refused?.errorCode == "BlobImmutableDueToPolicy")
            #expect(try await client.blobs.properties(container: container, name: "master").immutabilityPolicy == later)
        }
    }

    @Test func aBlockUploadCarriesItsPolicyOnTheCommit() async throws {
        let directory = try TestClients.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("big.raw")
        try Data(TestClients.bytes(count: 300_000)).write(to: source)
        try await Self.withWORM(
            { _, client in
                let container = EmulatorFixture.containerName()
                try await client.blobs.createContainer(container)
                var options = BlobUploadOptions()
                let policy = ImmutabilityPolicy(until: Date().addingTimeInterval(600), mode: .unlocked)
                options.immutabilityPolicy = policy
                let result = try await client.blobs.uploadFile(
                    path: source.path, container: container, name: "big", options: options)
                #expect(result.blocksUploaded == 3)
                let properties = try await client.blobs.properties(container: container, name: "big")
                #expect(properties.immutabilityPolicy == policy && properties.contentLength == 300_000)
            },
            configure: {
                $0.blobTransfers.singleUploadLimit = 100_000
                $0.blobTransfers.blockSize = 100_000
            })
    }

    @Test func aContainerWithoutImmutabilityRefusesAPolicyWithAzuresCode() async throws {
        try await EmulatorFixture.with { _, client in
            let container = EmulatorFixture.containerName()
            try await client.blobs.createContainer(container)
            var options = BlobUploadOptions()
            options.immutabilityPolicy = ImmutabilityPolicy(until: Date().addingTimeInterval(600), mode: .locked)
            let error = await #expect(throws: AzureStorageError.self) {
                try await client.blobs.putBlob(container: container, name: "x", bytes: [1], options: options)
            }
            #expect(error?.status == 409 && error?.errorCode == "BlobOperationNotSupported")
        }
    }
}
