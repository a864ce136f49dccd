import Crypto
import Foundation
import Testing

@testable import StorageEmulator

/// Blob operations over real sockets against an in-process emulator, asserting Azure's status codes and headers.
@Suite struct BlobServiceTests {
    @Test func putGetRangeAndMD5() async throws {
        try await withEmulator { _, client in
            #expect(try await client.send("PUT", "/photos", query: [("restype", "container")]).status == 201)
            let data = Data((0..<100_000).map { UInt8($0 % 251) })
            let md5 = Data(Insecure.MD5.hash(data: data)).base64EncodedString()
            let put = try await client.send("PUT", "/photos/2024/a b.jpg", headers: ["x-ms-blob-type": "BlockBlob", "Content-MD5": md5], body: data)
            #expect(put.status == 201)
            #expect(put.header("content-md5") == md5)
            let get = try await client.send("GET", "/photos/2024/a b.jpg")
            #expect(get.status == 200 && get.body == data && get.header("content-md5") == md5)
            let ranged = try await client.send("GET", "/photos/2024/a b.jpg", headers: ["x-ms-range": "bytes=10-19", "x-ms-range-get-content-md5": "true"])
            #expect(ranged.status == 206)
            #expect(ranged.body == data[10..<20])
            #expect(ranged.header("content-range") == "bytes 10-19/100000")
            #expect(ranged.header("content-md5") == Data(Insecure.MD5.hash(data: data[10..<20])).base64EncodedString())
            let beyond = try await client.send("GET", "/photos/2024/a b.jpg", headers: ["Range": "bytes=100000-"])
            #expect(beyond.status == 416 && beyond.errorCode == "InvalidRange")
            let head = try await client.send("HEAD", "/photos/2024/a b.jpg")
            #expect(head.status == 200 && head.header("content-length") == "100000" && head.header("x-ms-access-tier") == "Hot")
        }
    }

    @Test func md5MismatchStoresNothing() async throws {
        try await withEmulator { _, client in
            _ = try await client.send("PUT", "/c1c", query: [("restype", "container")])
            let wrong = Data(Insecure.MD5.hash(data: Data("other".utf8))).base64EncodedString()
            let put = try await client.send("PUT", "/c1c/x", headers: ["x-ms-blob-type": "BlockBlob", "Content-MD5": wrong], body: Data("payload".utf8))
            #expect(put.status == 400 && put.errorCode == "Md5Mismatch")
            #expect(try await client.send("HEAD", "/c1c/x").status == 404)
            let block = try await client.send(
                "PUT", "/c1c/x", query: [("comp", "block"), ("blockid", "QUFB")], headers: ["Content-MD5": wrong], body: Data("payload".utf8))
            #expect(block.status == 400 && block.errorCode == "Md5Mismatch")
        }
    }

    @Test func conditionalHeaders() async throws {
        try await withEmulator { _, client in
            _ = try await client.send("PUT", "/cond", query: [("restype", "container")])
            let put = try await client.send("PUT", "/cond/b", headers: ["x-ms-blob-type": "BlockBlob"], body: Data("v1".utf8))
            let etag = try #require(put.header("etag"))
            #expect(try await client.send("GET", "/cond/b", headers: ["If-None-Match": etag]).status == 304)
            #expect(try await client.send("GET", "/cond/b", headers: ["If-Match": "\"0x0\""]).status == 412)
            #expect(try await client.send("GET", "/cond/b", headers: ["If-Match": etag]).status == 200)
            let exists = try await client.send("PUT", "/cond/b", headers: ["x-ms-blob-type": "BlockBlob", "If-None-Match": "*"], body: Data("v2".utf8))
            #expect(exists.status == 409 && exists.errorCode == "BlobAlreadyExists")
            let stale = try await client.send("PUT", "/cond/b", headers: ["x-ms-blob-type": "BlockBlob", "If-Match": "\"0x1\""], body: Data("v2".utf8))
            #expect(stale.status == 412 && stale.errorCode == "ConditionNotMet")
            let future = DateFormatter.rfc1123.string(from: Date().addingTimeInterval(3600))
            #expect(try await client.send("GET", "/cond/b", headers: ["If-Modified-Since": future]).status == 304)
            let past = DateFormatter.rfc1123.string(from: Date().addingTimeInterval(-3600))
            #expect(try await client.send("PUT", "/cond/b", query: [("comp", "metadata")], headers: ["If-Unmodified-Since": past]).status == 412)
        }
    }

    @Test func blockListResolvesLatestCommittedAndUncommitted() async throws {
        try await withEmulator { _, client in
            _ = try await client.send("PUT", "/blocks", query: [("restype", "container")])
            func stage(_ id: String, _ text: String) async throws {
                let reply = try await client.send("PUT", "/blocks/b", query: [("comp", "block"), ("blockid", id)], body: Data(text.utf8))
                #expect(reply.status == 201)
            }
            func commit(_ entries: String) async throws -> TestClient.Reply {
                try await client.send("PUT", "/blocks/b", query: [("comp", "blocklist")], body: Data("<?xml version=\"1.0\"?><BlockList>\(entries)</BlockList>".utf8))
            }
            try await stage("QQ==", "A")
            try await stage("Qg==", "B")
            #expect(try await commit("<Latest>QQ==</Latest><Uncommitted>Qg==</Uncommitted>").status == 201)
            #expect(try await client.send("GET", "/blocks/b").text == "AB")
            try await stage("QQ==", "a")
            // Committed QQ== is still "A"; Latest picks the newly staged "a".
            #expect(try await commit("<Committed>QQ==</Committed><Latest>QQ==</Latest><Committed>Qg==</Committed>").status == 201)
            #expect(try await client.send("GET", "/blocks/b").text == "AaB")
            let missing = try await commit("<Uncommitted>Qw==</Uncommitted>")
            #expect(missing.status == 400 && missing.errorCode == "InvalidBlockList")
            let list = try await client.send("GET", "/blocks/b", query: [("comp", "blocklist"), ("blocklisttype", "all")])
            #expect(list.text.contains("<CommittedBlocks><Block><Name>QQ==</Name><Size>1</Size></Block><Block><Name>QQ==</Name><Size>1</Size></Block><Block><Name>Qg==</Name><Size>1</Size></Block></CommittedBlocks><UncommittedBlocks></UncommittedBlocks>"))
        }
    }

    @Test func leasesAreEnforcedOnWrites() async throws {
        try await withEmulator { _, client in
            _ = try await client.send("PUT", "/leases", query: [("restype", "container")])
            _ = try await client.send("PUT", "/leases/b", headers: ["x-ms-blob-type": "BlockBlob"], body: Data("x".utf8))
            let acquire = try await client.send("PUT", "/leases/b", query: [("comp", "lease")], headers: ["x-ms-lease-action": "acquire", "x-ms-lease-duration": "-1"])
            #expect(acquire.status == 201)
            let id = try #require(acquire.header("x-ms-lease-id"))
            let noLease = try await client.send("DELETE", "/leases/b")
            #expect(noLease.status == 412 && noLease.errorCode == "LeaseIdMissing")
            let other = try await client.send("PUT", "/leases/b", query: [("comp", "lease")], headers: ["x-ms-lease-action": "acquire", "x-ms-lease-duration": "15"])
            #expect(other.status == 409 && other.errorCode == "LeaseAlreadyPresent")
            let wrong = try await client.send("PUT", "/leases/b", query: [("comp", "metadata")], headers: ["x-ms-lease-id": UUID().uuidString])
            #expect(wrong.status == 412 && wrong.errorCode == "LeaseIdMismatchWithBlobOperation")
            #expect(try await client.send("PUT", "/leases/b", query: [("comp", "metadata")], headers: ["x-ms-lease-id": id]).status == 200)
            let broken = try await client.send("PUT", "/leases/b", query: [("comp", "lease")], headers: ["x-ms-lease-action": "break"])
            #expect(broken.status == 202 && broken.header("x-ms-lease-time") == "0")
            #expect(try await client.send("DELETE", "/leases/b").status == 202)
        }
    }

    @Test func snapshotsCopyAndArchive() async throws {
        try await withEmulator { _, client in
            _ = try await client.send("PUT", "/snaps", query: [("restype", "container")])
            _ = try await client.send("PUT", "/snaps/b", headers: ["x-ms-blob-type": "BlockBlob"], body: Data("one".utf8))
            let snapshot = try #require(try await client.send("PUT", "/snaps/b", query: [("comp", "snapshot")]).header("x-ms-snapshot"))
            _ = try await client.send("PUT", "/snaps/b", headers: ["x-ms-blob-type": "BlockBlob"], body: Data("two".utf8))
            #expect(try await client.send("GET", "/snaps/b", query: [("snapshot", snapshot)]).text == "one")
            #expect(try await client.send("DELETE", "/snaps/b").errorCode == "SnapshotsPresent")
            let copy = try await client.send("PUT", "/snaps/copy", headers: ["x-ms-copy-source": "\(client.base)/snaps/b"])
            #expect(copy.status == 202 && copy.header("x-ms-copy-status") == "success")
            #expect(try await client.send("GET", "/snaps/copy").text == "two")
            #expect(try await client.send("PUT", "/snaps/copy", query: [("comp", "tier")], headers: ["x-ms-access-tier": "Archive"]).status == 200)
            let archived = try await client.send("GET", "/snaps/copy")
            #expect(archived.status == 409 && archived.errorCode == "BlobArchived")
            #expect(try await client.send("PUT", "/snaps/copy", query: [("comp", "tier")], headers: ["x-ms-access-tier": "Cool"]).status == 202)
            let pending = try await client.send("HEAD", "/snaps/copy")
            #expect(pending.header("x-ms-access-tier") == "Archive" && pending.header("x-ms-archive-status") == "rehydrate-pending-to-cool")
            #expect(try await client.send("DELETE", "/snaps/b", headers: ["x-ms-delete-snapshots": "only"]).status == 202)
            #expect(try await client.send("GET", "/snaps/b", query: [("snapshot", snapshot)]).status == 404)
            #expect(try await client.send("GET", "/snaps/b").text == "two")
        }
    }

    @Test func listingPagesThroughEveryNameInOrdinalOrder() async throws {
        try await withEmulator { _, client in
            _ = try await client.send("PUT", "/many", query: [("restype", "container")])
            var names: [String] = []
            for i in 0..<57 { names.append("d\(i % 3)/f\(i).txt") }
            names += ["Z", "a", "ä", "zz/deep/x", "~tilde"]
            for name in names {
                #expect(try await client.send("PUT", "/many/\(name)", headers: ["x-ms-blob-type": "BlockBlob"], body: Data(name.utf8)).status == 201)
            }
            var seen: [String] = []
            var marker = ""
            repeat {
                var query = [("restype", "container"), ("comp", "list"), ("maxresults", "10")]
                if !marker.isEmpty { query.append(("marker", marker)) }
                let page = try await client.send("GET", "/many", query: query)
                seen += Self.values("Name", in: page.text)
                marker = Self.values("NextMarker", in: page.text).first ?? ""
            } while !marker.isEmpty
            #expect(seen == names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
            let top = try await client.send("GET", "/many", query: [("restype", "container"), ("comp", "list"), ("delimiter", "/")])
            #expect(Self.values("Name", in: top.text) == ["Z", "a", "d0/", "d1/", "d2/", "zz/", "~tilde", "ä"])
        }
    }

    @Test func errorsAreAzureShaped() async throws {
        try await withEmulator { _, client in
            let missing = try await client.send("GET", "/nocontainer/blob")
            #expect(missing.status == 404 && missing.errorCode == "ContainerNotFound")
            #expect(missing.text.contains("<Error><Code>ContainerNotFound</Code><Message>"))
            #expect(missing.header("x-ms-request-id") != nil && missing.header("x-ms-version") != nil && missing.header("date") != nil)
            let unsigned = try await client.send("GET", "/", query: [("comp", "list")], signed: false)
            #expect(unsigned.status == 403 && unsigned.errorCode == "AuthenticationFailed")
            var wrongKey = client
            wrongKey.key = Data(repeating: 7, count: 64).base64EncodedString()
            let forged = try await wrongKey.send("GET", "/", query: [("comp", "list")])
            #expect(forged.status == 403 && forged.errorCode == "AuthenticationFailed")
            let bad = try await client.send("PUT", "/Bad_Name", query: [("restype", "container")])
            #expect(bad.status == 400 && bad.errorCode == "InvalidResourceName")
            let unsupported = try await client.send("GET", "/", query: [("restype", "service"), ("comp", "stats")])
            #expect(unsupported.status == 501)
        }
    }

    @Test func publicContainerAllowsAnonymousReadsOnly() async throws {
        try await withEmulator { _, client in
            _ = try await client.send("PUT", "/public", query: [("restype", "container")], headers: ["x-ms-blob-public-access": "container"])
            _ = try await client.send("PUT", "/public/p.txt", headers: ["x-ms-blob-type": "BlockBlob"], body: Data("open".utf8))
            #expect(try await client.send("GET", "/public/p.txt", signed: false).text == "open")
            #expect(try await client.send("GET", "/public", query: [("restype", "container"), ("comp", "list")], signed: false).status == 200)
            #expect(try await client.send("DELETE", "/public/p.txt", signed: false).status == 403)
        }
    }

    /// Values of every `<name>` element in a listing.
    static func values(_ name: String, in xml: String) -> [String] {
        xml.components(separatedBy: "<\(name)>").dropFirst().compactMap { $0.components(separatedBy: "</\(name)>").first }
    }
}
