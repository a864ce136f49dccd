import Foundation
import Testing

@testable import StorageEmulator

/// A SAS with `c` and not `w` creates blobs that do not exist and overwrites none (Azure's account SAS page: users
/// "may not overwrite existing blobs"). It used to overwrite them as freely as `w`.
@Suite struct CreateOnlySASTests {
    @Test func aCreateOnlySASCreatesButDoesNotOverwrite() async throws {
        try await withEmulator { emulator, client in
            #expect(try await client.send("PUT", "/box", query: [("restype", "container")]).status == 201)
            let raw = RawHTTPClient(port: try #require(emulator.ports[.blob]))
            let createOnly = TestSAS.container("box", permissions: "c")
            let headers = ["x-ms-version": "2025-11-05", "x-ms-blob-type": "BlockBlob"]
            let created = try await raw.exchange("PUT", "/devstoreaccount1/box/new?\(createOnly)", headers: headers, body: Array("one".utf8))
            #expect(created.status == 201, "\(created.text)")
            let overwrite = try await raw.exchange("PUT", "/devstoreaccount1/box/new?\(createOnly)", headers: headers, body: Array("two".utf8))
            #expect(overwrite.status == 403 && overwrite.headers["x-ms-error-code"] == "AuthorizationPermissionMismatch")
            let source = emulator.endpoint(.blob) + "/box/new?" + TestSAS.blob("box", "new", permissions: "r")
            let copyOver = try await raw.exchange(
                "PUT", "/devstoreaccount1/box/new?\(createOnly)",
                headers: ["x-ms-version": "2025-11-05", "x-ms-copy-source": source])
            #expect(copyOver.status == 403 && copyOver.headers["x-ms-error-code"] == "AuthorizationPermissionMismatch")
            let copyNew = try await raw.exchange(
                "PUT", "/devstoreaccount1/box/copy?\(createOnly)",
                headers: ["x-ms-version": "2025-11-05", "x-ms-copy-source": source])
            #expect(copyNew.status == 202, "\(copyNew.text)")
            #expect(try await client.send("GET", "/box/new").text == "one", "the blob was not overwritten")
            let commit = try await raw.exchange(
                "PUT", "/devstoreaccount1/box/new?comp=blocklist&\(createOnly)", headers: ["x-ms-version": "2025-11-05"],
                body: Array("<BlockList></BlockList>".utf8))
            #expect(commit.status == 403 && commit.headers["x-ms-error-code"] == "AuthorizationPermissionMismatch")
            #expect(try await client.send("GET", "/box/new").text == "one", "still served, still not overwritten")
        }
    }
}
