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
            let versions = Self.values("VersionId", in: listing.text)
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
            return (first, second, try #require(Self.values("Version", in: containers.text).first))
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
            #expect(Self.values("Deleted", in: listing.text) == ["true"], "the soft-deleted version of scratch")
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
            #expect(Self.values("Deleted", in: listing.text).isEmpty, "the undelete was kept")
            #expect(Self.values("VersionId", in: listing.text).count == 4)
        }
    }

    // MARK: helpers

    static func count(_ emulator: RunningEmulator, _ sql: String) async throws -> Int {
        try await emulator.store.database.read { db in try Int.fetchOne(db, sql: sql) ?? -1 }
    }

    /// The texts of every `<name>` element of a listing, in order.
    static func values(_ name: String, in xml: String) -> [String] {
        xml.components(separatedBy: "<\(name)>").dropFirst().compactMap { $0.components(separatedBy: "</\(name)>").first }
    }
}
