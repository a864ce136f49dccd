import Foundation
import GRDB
import Testing

@testable import StorageEmulator

/// Azure's Blob limits at their boundaries (block and Put Blob sizes, block IDs, block count, metadata names and
/// size, container names): exactly at the limit accepted, one past refused with Azure's error, and
/// the emulator still serving afterwards. Sizes in the gigabytes are declared in Content-Length and never sent:
/// the emulator refuses them from the header, as Azure does.
@Suite struct BlobLimitTests {
    static let mebibyte = 1024 * 1024

    func withContainer(_ body: (TestClient, RawHTTPClient) async throws -> Void) async throws {
        try await withEmulator { emulator, client in
            #expect(try await client.send("PUT", "/box", query: [("restype", "container")]).status == 201)
            try await body(client, RawHTTPClient(port: try #require(emulator.ports[.blob])))
            try await Self.expectServing(client)
        }
    }

    /// A normal request after the abuse.
    static func expectServing(_ client: TestClient, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let put = try await client.send(
            "PUT", "/box/after", headers: ["x-ms-blob-type": "BlockBlob"], body: Data("still here".utf8))
        #expect(put.status == 201, sourceLocation: sourceLocation)
        #expect(try await client.send("GET", "/box/after").text == "still here", sourceLocation: sourceLocation)
    }

    static let sas = TestSAS.container("box", permissions: "rwc")

    @Test func aBlockOver4000MiBIsRefusedFromItsContentLength() async throws {
        try await withContainer { client, raw in
            let target = "/devstoreaccount1/box/big?comp=block&blockid=YmxvY2s=&\(Self.sas)"
            let over = try await raw.declaring(length: 4000 * Self.mebibyte + 1, "PUT", target)
            #expect(over.status == 413 && over.headers["x-ms-error-code"] == "RequestBodyTooLarge", "\(over.text)")
            // At the limit the emulator reads on, and finds the body cut short: the client's fault, not its size.
            let at = try await raw.declaring(length: 4000 * Self.mebibyte, "PUT", target)
            #expect(at.status == 400 && at.headers["x-ms-error-code"] == "InvalidInput", "\(at.text)")
            try await Self.expectServing(client)
        }
    }

    @Test func aPutBlobOver5000MiBIsRefusedFromItsContentLength() async throws {
        try await withContainer { client, raw in
            let target = "/devstoreaccount1/box/big?\(Self.sas)"
            let blockBlob = ["x-ms-blob-type": "BlockBlob"]
            let over = try await raw.declaring(length: 5000 * Self.mebibyte + 1, "PUT", target, headers: blockBlob)
            #expect(over.status == 413 && over.headers["x-ms-error-code"] == "RequestBodyTooLarge", "\(over.text)")
            let at = try await raw.declaring(length: 5000 * Self.mebibyte, "PUT", target, headers: blockBlob)
            #expect(at.status == 400 && at.headers["x-ms-error-code"] == "InvalidInput", "\(at.text)")
            try await Self.expectServing(client)
        }
    }

    static func blockID(_ bytes: Int, _ fill: UInt8 = 65) -> String {
        Data(repeating: fill, count: bytes).base64EncodedString()
    }

    @Test func blockIDsAreAtMost64BytesAndAllOneLength() async throws {
        try await withContainer { client, _ in
            func put(_ blob: String, _ id: String) async throws -> TestClient.Reply {
                try await client.send("PUT", "/box/\(blob)", query: [("comp", "block"), ("blockid", id)], body: Data("x".utf8))
            }
            #expect(try await put("ids", Self.blockID(64)).status == 201)
            let long = try await put("long", Self.blockID(65))
            #expect(long.status == 400 && long.errorCode == "InvalidBlockId", "\(long.text)")
            try await Self.expectServing(client)
            #expect(try await put("ids", Self.blockID(64, 66)).status == 201, "another id of the same length")
            let shorter = try await put("ids", Self.blockID(63))
            #expect(shorter.status == 400 && shorter.errorCode == "InvalidBlobOrBlock", "\(shorter.text)")
        }
    }

    @Test func aBlockListHoldsAtMost50000Blocks() async throws {
        try await withContainer { client, _ in
            let id = Self.blockID(4)
            #expect(
                try await client.send("PUT", "/box/many", query: [("comp", "block"), ("blockid", id)], body: Data("b".utf8))
                    .status == 201)
            func commit(_ count: Int) async throws -> TestClient.Reply {
                let list = "<BlockList>" + String(repeating: "<Latest>\(id)</Latest>", count: count) + "</BlockList>"
                return try await client.send("PUT", "/box/many", query: [("comp", "blocklist")], body: Data(list.utf8))
            }
            let over = try await commit(50_001)
            #expect(over.status == 409 && over.errorCode == "BlockCountExceedsLimit", "\(over.text)")
            try await Self.expectServing(client)
            let at = try await commit(50_000)
            #expect(at.status == 201, "\(at.text)")
            #expect(try await client.send("GET", "/box/many").body.count == 50_000)
        }
    }

    /// 100,000 uncommitted blocks per blob name, then 409 BlockCountExceedsLimit; staging an id again replaces it
    /// (no new block); a commit drops the staged blocks and so lifts the limit. 99,999 are staged straight into the
    /// store first (one transaction, the same table Put Block writes), so the test does not send 100,000 requests.
    @Test func aBlobNameHoldsAtMost100000UncommittedBlocks() async throws {
        try await withEmulator { emulator, client in
            #expect(try await client.send("PUT", "/box", query: [("restype", "container")]).status == 201)
            func put(_ index: Int) async throws -> TestClient.Reply {
                try await client.send(
                    "PUT", "/box/many", query: [("comp", "block"), ("blockid", Self.numberedBlockID(index))],
                    body: Data("b".utf8))
            }
            #expect(try await put(0).status == 201)
            try await emulator.store.database.write { db in
                try db.execute(
                    sql: """
                        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                        INSERT INTO staged_blocks (account, container, blob, block_id, chunk_id, length, staged)
                        SELECT 'devstoreaccount1', 'box', 'many', printf('%012d', i),
                               (SELECT chunk_id FROM staged_blocks LIMIT 1), 1, 0 FROM n
                        """, arguments: [BlobService.maxUncommittedBlockCount - 2])
            }
            #expect(try await put(99_999).status == 201)  // the 100,000th
            let over = try await put(100_000)
            #expect(over.status == 409 && over.errorCode == "BlockCountExceedsLimit", "\(over.text)")
            #expect(try await put(5).status == 201)  // an id staged again replaces its block
            #expect(try await put(100_001).status == 409)
            let list = "<BlockList><Uncommitted>\(Self.numberedBlockID(5))</Uncommitted></BlockList>"
            #expect(
                try await client.send("PUT", "/box/many", query: [("comp", "blocklist")], body: Data(list.utf8)).status
                    == 201)
            #expect(try await put(100_000).status == 201)
            // Deleting the container drops its staged blocks and their count with them.
            #expect(try await client.send("DELETE", "/box", query: [("restype", "container")]).status == 202)
            let left = try await emulator.store.database.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM staged_block_counts")
            }
            #expect(left == 0)
        }
    }

    /// Twelve digits: valid base64 (of 9 bytes), and what SQLite's `printf('%012d')` writes.
    static func numberedBlockID(_ index: Int) -> String { String(format: "%012d", index) }

    @Test func metadataNamesAreCSharpIdentifiers() async throws {
        try await withContainer { client, _ in
            func put(_ name: String) async throws -> TestClient.Reply {
                try await client.send(
                    "PUT", "/box/meta", headers: ["x-ms-blob-type": "BlockBlob", "x-ms-meta-\(name)": "v"])
            }
            for valid in ["_", "a", "_a1", "x" + String(repeating: "y", count: 200)] {
                #expect(try await put(valid).status == 201, "\(valid)")
            }
            for invalid in ["1a", "a-b", "a.b"] {
                let refused = try await put(invalid)
                #expect(refused.status == 400 && refused.errorCode == "InvalidMetadata", "\(invalid)")
                try await Self.expectServing(client)
            }
        }
    }

    @Test func metadataIsAtMost8KiB() async throws {
        try await withContainer { client, _ in
            // Names and values together: "m" and 8,191 bytes are 8 KiB exactly.
            let at = try await client.send(
                "PUT", "/box/meta", headers: ["x-ms-blob-type": "BlockBlob", "x-ms-meta-m": String(repeating: "v", count: 8191)])
            #expect(at.status == 201, "\(at.text)")
            let over = try await client.send(
                "PUT", "/box/meta", query: [("comp", "metadata")], headers: ["x-ms-meta-m": String(repeating: "v", count: 8192)])
            #expect(over.status == 400 && over.errorCode == "MetadataTooLarge", "\(over.text)")
            let container = try await client.send(
                "PUT", "/box", query: [("restype", "container"), ("comp", "metadata")],
                headers: ["x-ms-meta-a": String(repeating: "v", count: 5000), "x-ms-meta-b": String(repeating: "v", count: 5000)])
            #expect(container.status == 400 && container.errorCode == "MetadataTooLarge", "\(container.text)")
            try await Self.expectServing(client)
        }
    }

    @Test func containerNamesFollowAzuresRules() async throws {
        try await withContainer { client, _ in
            for valid in ["abc", String(repeating: "a", count: 63), "a-b-1"] {
                #expect(try await client.send("PUT", "/\(valid)", query: [("restype", "container")]).status == 201, "\(valid)")
            }
            // A name of the wrong length is out of range, as Azure says it.
            for name in ["ab", String(repeating: "a", count: 64)] {
                let refused = try await client.send("PUT", "/\(name)", query: [("restype", "container")])
                #expect(refused.status == 400 && refused.errorCode == "OutOfRangeInput", "\(name)")
            }
            for invalid in ["Abc", "a--b", "-ab", "ab-", "a_b"] {
                let refused = try await client.send("PUT", "/\(invalid)", query: [("restype", "container")])
                #expect(refused.status == 400 && refused.errorCode == "InvalidResourceName", "\(invalid): \(refused.errorCode ?? "-")")
                try await Self.expectServing(client)
            }
        }
    }
}
