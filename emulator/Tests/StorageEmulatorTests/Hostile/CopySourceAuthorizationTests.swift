import Foundation
import Testing

@testable import StorageEmulator

/// Copy Blob reads its source with the source's own authorization, never the destination's: a SAS for one
/// container used to copy (then read) a private blob of another container or account.
@Suite struct CopySourceAuthorizationTests {
    static let other = StorageAccount(name: "otheraccount", keys: [Array(repeating: 7, count: 64)])

    /// Containers `dest` (where copies land) and `vault` (private, holding `secret`) in the development account, and
    /// the same private `vault/secret` in a second account.
    func withSetup(_ body: (RunningEmulator, TestClient, RawHTTPClient) async throws -> Void) async throws {
        var configuration = EmulatorConfiguration.ephemeral()
        configuration.accounts = [.development, Self.other]
        let emulator = try await RunningEmulator.start(configuration: configuration)
        do {
            let client = TestClient(base: emulator.endpoint(.blob))
            let otherClient = TestClient(
                base: emulator.endpoint(.blob, account: Self.other.name), account: Self.other.name,
                key: Data(Self.other.keys[0]).base64EncodedString())
            for (client, container) in [(client, "dest"), (client, "vault"), (otherClient, "vault")] {
                #expect(try await client.send("PUT", "/\(container)", query: [("restype", "container")]).status == 201)
            }
            for client in [client, otherClient] {
                let put = try await client.send(
                    "PUT", "/vault/secret", headers: ["x-ms-blob-type": "BlockBlob"], body: Data("secret".utf8))
                #expect(put.status == 201)
            }
            try await body(emulator, client, RawHTTPClient(port: try #require(emulator.ports[.blob])))
        } catch {
            await emulator.shutdown()
            throw error
        }
        await emulator.shutdown()
    }

    static let destination = TestSAS.container("dest", permissions: "rwc")

    /// Copy Blob to `dest/copy`, authorized by a SAS for container `dest`.
    func copyWithContainerSAS(_ raw: RawHTTPClient, from source: String) async throws -> RawHTTPClient.Exchange {
        try await raw.exchange(
            "PUT", "/devstoreaccount1/dest/copy?\(Self.destination)",
            headers: ["x-ms-version": "2025-11-05", "x-ms-copy-source": source])
    }

    @Test func aContainerSASCannotCopyAPrivateBlobOfAnotherContainer() async throws {
        try await withSetup { emulator, _, raw in
            let copy = try await copyWithContainerSAS(raw, from: emulator.endpoint(.blob) + "/vault/secret")
            #expect(copy.status == 404 && copy.headers["x-ms-error-code"] == "CannotVerifyCopySource", "\(copy.text)")
            let read = try await raw.exchange("GET", "/devstoreaccount1/dest/copy?\(Self.destination)")
            #expect(read.status == 404, "nothing was copied")
        }
    }

    @Test func sharedKeyCopiesWithinItsAccount() async throws {
        try await withSetup { emulator, client, _ in
            let copy = try await client.send(
                "PUT", "/dest/copy", headers: ["x-ms-copy-source": emulator.endpoint(.blob) + "/vault/secret"])
            #expect(copy.status == 202, "\(copy.text)")
            #expect(try await client.send("GET", "/dest/copy").text == "secret")
        }
    }

    @Test func aSourceURLWithAReadSASIsCopiedAndOneWithoutReadIsRefused() async throws {
        try await withSetup { emulator, _, raw in
            let source = emulator.endpoint(.blob) + "/vault/secret?"
            let readable = source + TestSAS.blob("vault", "secret", permissions: "r")
            let copy = try await copyWithContainerSAS(raw, from: readable)
            #expect(copy.status == 202, "\(copy.text)")
            let read = try await raw.exchange("GET", "/devstoreaccount1/dest/copy?\(Self.destination)")
            #expect(read.status == 200 && read.text == "secret")

            let writeOnly = try await copyWithContainerSAS(
                raw, from: source + TestSAS.blob("vault", "secret", permissions: "w"))
            #expect(writeOnly.status == 403 && writeOnly.headers["x-ms-error-code"] == "CannotVerifyCopySource")
            #expect(writeOnly.headers["x-ms-copy-source-error-code"] == "AuthorizationPermissionMismatch")
            let forged = try await copyWithContainerSAS(
                raw, from: source + TestSAS.blob("vault", "secret", permissions: "r", account: Self.other))
            #expect(forged.status == 403 && forged.headers["x-ms-copy-source-error-code"] == "AuthenticationFailed")
        }
    }

    @Test func aSourceSASThatIsExpiredOrForAnotherBlobIsRefused() async throws {
        try await withSetup { emulator, _, raw in
            let source = emulator.endpoint(.blob) + "/vault/secret?"
            let expired = TestSAS.container(
                "vault", permissions: "r", extra: [("st", "2019-01-01T00:00:00Z"), ("se", "2020-01-01T00:00:00Z")])
            let otherBlob = TestSAS.blob("vault", "other", permissions: "r")
            for sas in [expired, otherBlob] {
                let copy = try await copyWithContainerSAS(raw, from: source + sas)
                #expect(copy.status == 403 && copy.headers["x-ms-error-code"] == "CannotVerifyCopySource", "\(copy.text)")
                #expect(copy.headers["x-ms-copy-source-error-code"] == "AuthenticationFailed")
                let read = try await raw.exchange("GET", "/devstoreaccount1/dest/copy?\(Self.destination)")
                #expect(read.status == 404, "nothing was copied")
            }
            // Still serving: a source the caller may read is copied.
            let copy = try await copyWithContainerSAS(raw, from: source + TestSAS.blob("vault", "secret", permissions: "r"))
            #expect(copy.status == 202, "\(copy.text)")
        }
    }

    @Test func aPublicContainerIsASourceForAnyone() async throws {
        try await withSetup { emulator, client, raw in
            #expect(
                try await client.send(
                    "PUT", "/vault", query: [("restype", "container"), ("comp", "acl")],
                    headers: ["x-ms-blob-public-access": "blob"]
                ).status == 200)
            let copy = try await copyWithContainerSAS(raw, from: emulator.endpoint(.blob) + "/vault/secret")
            #expect(copy.status == 202, "\(copy.text)")
        }
    }

    @Test func anotherAccountsPrivateBlobNeedsASourceCredential() async throws {
        try await withSetup { emulator, client, _ in
            let source = emulator.endpoint(.blob, account: Self.other.name) + "/vault/secret"
            let refused = try await client.send("PUT", "/dest/copy", headers: ["x-ms-copy-source": source])
            #expect(refused.status == 404 && refused.errorCode == "CannotVerifyCopySource", "\(refused.text)")
            let sas = TestSAS.blob("vault", "secret", permissions: "r", account: Self.other)
            let allowed = try await client.send("PUT", "/dest/copy", headers: ["x-ms-copy-source": source + "?" + sas])
            #expect(allowed.status == 202, "\(allowed.text)")
            #expect(try await client.send("GET", "/dest/copy").text == "secret")
        }
    }
}
