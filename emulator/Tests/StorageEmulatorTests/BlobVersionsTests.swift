import Foundation
import GRDB
import Testing

@testable import StorageEmulator

/// Versions, version-level immutability and soft delete in the store: what is kept shares chunks, what is purged gives
/// its chunks back, and all of it survives a restart on the same `--location`.
@Suite(.serialized) struct BlobVersionsTests {
    static let account = "devstoreaccount1"
    static let everything = [
        account: AccountFeatures(
            blob: BlobFeatures(
                versioning: true, versionLevelImmutability: true, deleteRetention: 3600, containerDeleteRetention: 3600))
    ]
    static let blockBlob = ["x-ms-blob-type": "BlockBlob"]

    @Test func theAccountConfigIsParsedStrictly() throws {
        let parsed = try AccountFeatures.parse(
            json: Array(
                #"{"a": {"blob": {"versioning": true, "deleteRetentionDays": 7, "containerDeleteRetentionSeconds": 2}}}"#.utf8))
        #expect(parsed["a"]?.blob == BlobFeatures(versioning: true, deleteRetention: 7 * 86_400, containerDeleteRetention: 2))
        for (text, complaint) in [
            (#"{"a": {"blob": {"versionning": true}}}"#, "unexpected member 'versionning'"),
            (#"{"a": {"blob": {"versionLevelImmutability": true}}}"#, "needs versioning"),
            (#"{"a": {"blob": {"deleteRetentionDays": 0}}}"#, "deleteRetentionDays must be a number in 1.0...365.0"),
            (#"{"a": {"queue": {}}}"#, "unexpected service 'queue'"),
        ] {
            #expect(throws: EmulatorConfigurationError.self) { try AccountFeatures.parse(json: Array(text.utf8)) }
            do {
                _ = try AccountFeatures.parse(json: Array(text.utf8))
            } catch {
                #expect(error.description.contains(complaint), "\(text): \(error.description)")
            }
        }
    }

    @Test func versionsShareChunksAndDeletingTheLastReferenceFreesThem() async throws {
        let location = try temporaryDirectory()
        let data = (location as NSString).appendingPathComponent("data")
        let features = [Self.account: AccountFeatures(blob: BlobFeatures(versioning: true))]
        try await withEmulator(location: location, features: features) { emulator, client in
            _ = try await client.send("PUT", "/shared", query: [("restype", "container")])
            let put = try await client.send("PUT", "/shared/big", headers: Self.blockBlob, body: Data(count: 200_000))
            let first = try #require(put.header("x-ms-version-id"))
            for round in 0..<3 {
                #expect(try await client.send("PUT", "/shared/big", query: [("comp", "metadata")], headers: ["x-ms-meta-r": "\(round)"]).status == 200)
            }
            #expect(try PersistenceTests.bytesOnDisk(data) == 200_000, "four versions, one data file")
            #expect(try await Self.count(emulator, "SELECT count(*) FROM chunks") == 1)
            // A new body makes a second chunk; the versions keep the first alive until the last of them goes.
            _ = try await client.send("PUT", "/shared/big", headers: Self.blockBlob, body: Data(count: 100_000))
            #expect(try PersistenceTests.bytesOnDisk(data) == 300_000)
            let listing = try await client.send("GET", "/shared", query: [("restype", "container"), ("comp", "list"), ("include", "versions")])
            let versions = BlobServiceTests.values("VersionId", in: listing.text)
            #expect(versions.count == 5 && versions.first == first)
            for version in versions.dropLast() {
                #expect(try await client.send("DELETE", "/shared/big", query: [("versionid", version)]).status == 202)
            }
            #expect(try PersistenceTests.bytesOnDisk(data) == 100_000)
            #expect(try await Self.count(emulator, "SELECT count(*) FROM chunks") == 1)
        }
    }

    /// A SAS deletes a version with `x` ("Delete version"); `d` deletes blobs and snapshots only.
    @Test func deletingAVersionTakesTheDeleteVersionPermission() async throws {
        let features = [Self.account: AccountFeatures(blob: BlobFeatures(versioning: true))]
        try await withEmulator(features: features) { emulator, client in
            _ = try await client.send("PUT", "/sas", query: [("restype", "container")])
            let first = try #require(
                try await client.send("PUT", "/sas/doc", headers: Self.blockBlob, body: Data("1".utf8)).header("x-ms-version-id"))
            _ = try await client.send("PUT", "/sas/doc", headers: Self.blockBlob, body: Data("2".utf8))
            let raw = RawHTTPClient(port: try #require(emulator.ports[.blob]))
            func delete(_ permissions: String) async throws -> (Int?, String?) {
                let sas = TestSAS.blob("sas", "doc", permissions: permissions)
                let versionID = first.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? first
                let reply = try await raw.exchange(
                    "DELETE", "/devstoreaccount1/sas/doc?versionid=\(versionID)&\(sas)", headers: ["x-ms-version": "2025-11-05"])
                return (reply.status, reply.headers["x-ms-error-code"])
            }
            let refused = try await delete("d")
            #expect(refused.0 == 403 && refused.1 == "AuthorizationPermissionMismatch")
            #expect(try await delete("x").0 == 202)
            #expect(try await client.send("GET", "/sas/doc", query: [("versionid", first)]).status == 404)
        }
    }

    @Test func purgedSoftDeletesGiveTheirChunksBack() async throws {
        let location = try temporaryDirectory()
        let data = (location as NSString).appendingPathComponent("data")
        let features = [Self.account: AccountFeatures(blob: BlobFeatures(deleteRetention: 3600, containerDeleteRetention: 3600))]
        try await withEmulator(location: location, features: features) { emulator, client in
            for container in ["kept", "dropped"] {
                _ = try await client.send("PUT", "/\(container)", query: [("restype", "container")])
                _ = try await client.send("PUT", "/\(container)/blob", headers: Self.blockBlob, body: Data(count: 100_000))
            }
            let deleted = try await client.send("DELETE", "/kept/blob")
            #expect(deleted.status == 202 && deleted.header("x-ms-delete-type-permanent") == "false")
            #expect(try await client.send("DELETE", "/dropped", query: [("restype", "container")]).status == 202)
            #expect(try PersistenceTests.bytesOnDisk(data) == 200_000, "soft-deleted data is still there")
            let purge = BlobPurge(store: BlobStore(store: emulator.store), features: features)
            #expect(try await purge.purge(now: Date()) == BlobPurge.Removed(), "nothing is past its retention yet")
            #expect(try await purge.purge(now: Date().addingTimeInterval(3601)) == BlobPurge.Removed(blobs: 1, containers: 1))
            #expect(try PersistenceTests.bytesOnDisk(data) == 0)
            #expect(try await Self.count(emulator, "SELECT count(*) FROM chunks") == 0)
            #expect(try await Self.count(emulator, "SELECT count(*) FROM blobs") == 0)
            #expect(try await Self.count(emulator, "SELECT count(*) FROM containers WHERE name != 'kept'") == 0)
            #expect(try await client.send("PUT", "/kept/blob", query: [("comp", "undelete")]).status == 404)
        }
    }

    @Test func versionsProtectionAndSoftDeletesSurviveARestart() async throws {
        let location = try temporaryDirectory()
        let until = "Fri, 01 Jan 2100 00:00:00 GMT"
        let (first, second, containerVersion) = try await withEmulator(location: location, features: Self.everything) { _, client in
            _ = try await client.send("PUT", "/vault", query: [("restype", "container")])
            _ = try await client.send("PUT", "/gone", query: [("restype", "container")])
            _ = try await client.send("PUT", "/gone/inside", headers: Self.blockBlob, body: Data("inside".utf8))
            let first = try #require(
                try await client.send(
                    "PUT", "/vault/master",
                    headers: Self.blockBlob.merging(
                        ["x-ms-immutability-policy-until-date": until, "x-ms-immutability-policy-mode": "Locked"]) { a, _ in a },
                    body: Data("first".utf8)
                ).header("x-ms-version-id"))
            let second = try #require(
                try await client.send("PUT", "/vault/master", headers: Self.blockBlob, body: Data("second".utf8)).header("x-ms-version-id"))
            #expect(try await client.send("PUT", "/vault/master", query: [("comp", "legalhold")], headers: ["x-ms-legal-hold": "true"]).status == 200)
            let scratch = try await client.send("PUT", "/vault/scratch", headers: Self.blockBlob, body: Data("scratch".utf8))
            _ = try await client.send("PUT", "/vault/scratch", headers: Self.blockBlob, body: Data("scratch 2".utf8))
            let scratchVersion = try #require(scratch.header("x-ms-version-id"))
            let deleted = try await client.send("DELETE", "/vault/scratch", query: [("versionid", scratchVersion)])
            #expect(deleted.status == 202 && deleted.header("x-ms-delete-type-permanent") == "false")
            #expect(try await client.send("DELETE", "/gone", query: [("restype", "container")]).status == 202)
            let containers = try await client.send("GET", "/", query: [("comp", "list"), ("include", "deleted")])
            #expect(BlobServiceTests.values("Name", in: containers.text) == ["gone", "vault"])
            #expect(BlobServiceTests.values("Deleted", in: containers.text) == ["true"])
            #expect(BlobServiceTests.values("RemainingRetentionDays", in: containers.text) == ["1"], "an hour left: 1 day")
            #expect(BlobServiceTests.values("ImmutableStorageWithVersioningEnabled", in: containers.text) == ["true", "true"])
            return (first, second, try #require(BlobServiceTests.values("Version", in: containers.text).first))
        }
        try await withEmulator(location: location, features: Self.everything) { _, client in
            let old = try await client.send("GET", "/vault/master", query: [("versionid", first)])
            #expect(old.text == "first")
            #expect(old.header("x-ms-immutability-policy-mode") == "Locked")
            #expect(old.header("x-ms-immutability-policy-until-date") == until)
            #expect(old.header("x-ms-is-current-version") == "false")
            let current = try await client.send("HEAD", "/vault/master")
            #expect(current.header("x-ms-version-id") == second && current.header("x-ms-legal-hold") == "true")
            #expect(try await client.send("DELETE", "/vault/master", query: [("versionid", first)]).errorCode == "BlobImmutableDueToPolicy")
            #expect(try await client.send("DELETE", "/vault/master").errorCode == "BlobImmutableDueToLegalHold")
            #expect(
                try await client.send("DELETE", "/vault", query: [("restype", "container")]).errorCode
                    == "ContainerImmutableStorageWithVersioningEnabled")
            let listing = try await client.send(
                "GET", "/vault", query: [("restype", "container"), ("comp", "list"), ("include", "versions,deleted")])
            #expect(BlobServiceTests.values("Deleted", in: listing.text) == ["true"], "the soft-deleted version of scratch")
            #expect(try await client.send("PUT", "/vault/scratch", query: [("comp", "undelete")]).status == 200)
            #expect(
                try await client.send(
                    "PUT", "/gone", query: [("restype", "container"), ("comp", "undelete")],
                    headers: ["x-ms-deleted-container-name": "gone", "x-ms-deleted-container-version": containerVersion]
                ).status == 201)
            #expect(try await client.send("GET", "/gone/inside").text == "inside")
        }
        try await withEmulator(location: location, features: Self.everything) { _, client in
            let listing = try await client.send(
                "GET", "/vault", query: [("restype", "container"), ("comp", "list"), ("include", "versions,deleted")])
            #expect(BlobServiceTests.values("Deleted", in: listing.text).isEmpty, "the undelete was kept")
            #expect(BlobServiceTests.values("VersionId", in: listing.text).count == 4)
        }
    }

    /// Overwrites from several clients with versioning and soft delete on while the emulator process is killed with
    /// SIGKILL: after the restart every acknowledged version reads back whole, and every listed version is whole
    /// (keeping the replaced state and writing the new one happen in one transaction, or not at all).
    @Test func acknowledgedVersionsSurviveKill9() async throws {
        let location = try temporaryDirectory()
        let config = (location as NSString).appendingPathComponent("accounts.json")
        try Data(#"{"devstoreaccount1": {"blob": {"versioning": true, "deleteRetentionDays": 1}}}"#.utf8)
            .write(to: URL(fileURLWithPath: config))
        let arguments = ["--account-config", config]
        let child = try EmulatorProcess(location: location, arguments: arguments)
        let client = TestClient(base: child.endpoint)
        _ = try await client.send("PUT", "/kill", query: [("restype", "container")])
        let acked = AckedWrites()
        let writers = (0..<4).map { writer in
            Task {
                for n in 0..<1000 {
                    let body = Self.versionBody("w\(writer)", n)
                    guard let reply = try? await client.send("PUT", "/kill/w\(writer)", headers: Self.blockBlob, body: body),
                        reply.status == 201, let version = reply.header("x-ms-version-id")
                    else { return }
                    await acked.add("w\(writer)?\(version)", body)
                }
            }
        }
        let watcher = Task {
            for writer in writers { await writer.value }
            await acked.finish()
        }
        await acked.wait(forCount: 60)
        child.kill9()
        await watcher.value
        let acknowledged = await acked.writes
        let restarted = try EmulatorProcess(location: location, arguments: arguments)
        let after = TestClient(base: restarted.endpoint)
        for (key, body) in acknowledged {
            let parts = key.split(separator: "?")
            let reply = try await after.send("GET", "/kill/\(parts[0])", query: [("versionid", String(parts[1]))])
            #expect(reply.status == 200 && reply.body == body, "acknowledged version \(key) lost or damaged")
        }
        let listing = try await after.send(
            "GET", "/kill", query: [("restype", "container"), ("comp", "list"), ("include", "versions")])
        let names = BlobServiceTests.values("Name", in: listing.text)
        let versions = BlobServiceTests.values("VersionId", in: listing.text)
        #expect(names.count == versions.count && versions.count >= acknowledged.count)
        for (name, version) in zip(names, versions) {
            let body = try await after.send("GET", "/kill/\(name)", query: [("versionid", version)]).body
            let n = Int(String(decoding: body.prefix { $0 != UInt8(ascii: "|") }.dropFirst(name.count + 1), as: UTF8.self))
            #expect(n.map { body == Self.versionBody(name, $0) } == true, "torn version \(name) \(version)")
        }
        restarted.terminate()
    }

    // MARK: helpers

    static func count(_ emulator: RunningEmulator, _ sql: String) async throws -> Int {
        try await emulator.store.database.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }

    /// `NAME-N|` and then bytes determined by both, sized across the inline limit and file chunks.
    static func versionBody(_ name: String, _ n: Int) -> Data {
        Data("\(name)-\(n)|".utf8) + PersistenceTests.payload("\(name)-\(n)")
    }
}
