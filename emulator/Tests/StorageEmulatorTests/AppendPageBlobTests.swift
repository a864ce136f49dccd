import Foundation
import GRDB
import Testing

@testable import StorageEmulator

/// Append and page blobs in the store: the page map's arithmetic, sparse pages that take no space, chunks reclaimed
/// when pages are overwritten, cleared or cut, the append blob's block limit, and both kinds across a restart.
@Suite(.serialized) struct AppendPageBlobTests {
    static let page: Int64 = 512

    // MARK: the page map

    @Test func aWriteKeepsTheUncoveredPartsOfTheRunsItCuts() {
        let runs = [
            PageRun(start: 0, length: 2048, chunkID: 1, chunkOffset: 0),
            PageRun(start: 4096, length: 1024, chunkID: 2, chunkOffset: 512),
        ]
        #expect(
            PageMap.remainders(of: runs, outside: 512..<1024) == [
                PageRun(start: 0, length: 512, chunkID: 1, chunkOffset: 0),
                PageRun(start: 1024, length: 1024, chunkID: 1, chunkOffset: 1024),
                PageRun(start: 4096, length: 1024, chunkID: 2, chunkOffset: 512),
            ])
        // A range covering a run whole leaves nothing of it; one touching its end trims it.
        #expect(
            PageMap.remainders(of: runs, outside: 0..<4608) == [PageRun(start: 4608, length: 512, chunkID: 2, chunkOffset: 1024)])
    }

    @Test func rangesMergeNeighboursAndClampToTheWindow() {
        let runs = [
            PageRun(start: 1024, length: 512, chunkID: 2, chunkOffset: 0),
            PageRun(start: 0, length: 1024, chunkID: 1, chunkOffset: 0),
            PageRun(start: 4096, length: 512, chunkID: 3, chunkOffset: 0),
        ]
        #expect(PageMap.ranges(runs, within: 0..<8192) == [0..<1536, 4096..<4608])
        #expect(PageMap.ranges(runs, within: 512..<4096) == [512..<1536])
    }

    @Test func theDiffReportsNewDataAndClearedPages() {
        let previous = [PageRun(start: 0, length: 4096, chunkID: 1, chunkOffset: 0)]
        let current = [
            PageRun(start: 0, length: 512, chunkID: 1, chunkOffset: 0),  // unchanged
            PageRun(start: 512, length: 512, chunkID: 2, chunkOffset: 0),  // rewritten
            PageRun(start: 1024, length: 1024, chunkID: 1, chunkOffset: 1024),  // unchanged
            PageRun(start: 3072, length: 1024, chunkID: 1, chunkOffset: 3072),  // unchanged; 2048..<3072 cleared
            PageRun(start: 8192, length: 512, chunkID: 3, chunkOffset: 0),  // new
        ]
        let diff = PageMap.diff(current: current, previous: previous, within: 0..<16384)
        #expect(diff.updated == [512..<1024, 8192..<8704])
        #expect(diff.cleared == [2048..<3072])
    }

    // MARK: over the wire

    @Test func sparsePagesTakeNoSpaceAndReplacedChunksAreReclaimed() async throws {
        let location = try temporaryDirectory()
        let data = (location as NSString).appendingPathComponent("data")
        let kib = 1024
        try await withEmulator(location: location) { _, client in
            _ = try await client.send("PUT", "/pages", query: [("restype", "container")])
            // A 1 GiB page blob with nothing written stores nothing and reads as zeros.
            let created = try await client.send(
                "PUT", "/pages/disk", headers: ["x-ms-blob-type": "PageBlob", "x-ms-blob-content-length": String(1 << 30)])
            #expect(created.status == 201)
            #expect(try PersistenceTests.bytesOnDisk(data) == 0)
            let tail = try await client.send("GET", "/pages/disk", headers: ["x-ms-range": "bytes=\((1 << 30) - 4096)-\((1 << 30) - 1)"])
            #expect(tail.status == 206 && tail.body == Data(count: 4096))

            let a = Self.bytes(256 * kib, seed: 1)
            let b = Self.bytes(256 * kib, seed: 2)
            #expect(try await self.put(client, a, at: 0).status == 201)
            #expect(try await self.put(client, b, at: 512 * kib).status == 201)
            #expect(try PersistenceTests.bytesOnDisk(data) == 512 * kib)
            // Overwriting the middle of A stores only the new bytes: A is kept, trimmed, never copied.
            let c = Self.bytes(128 * kib, seed: 3)
            #expect(try await self.put(client, c, at: 64 * kib).status == 201)
            #expect(try PersistenceTests.bytesOnDisk(data) == 640 * kib)
            var expected = a
            expected.replaceSubrange(64 * kib..<192 * kib, with: c)
            #expect(try await client.send("GET", "/pages/disk", headers: ["x-ms-range": "bytes=0-\(256 * kib - 1)"]).body == expected)
            // Clearing all that A and C held frees both; overwriting all of B frees B.
            let cleared = try await client.send(
                "PUT", "/pages/disk", query: [("comp", "page")],
                headers: ["x-ms-page-write": "clear", "x-ms-range": "bytes=0-\(256 * kib - 1)"])
            #expect(cleared.status == 201)
            #expect(try PersistenceTests.bytesOnDisk(data) == 256 * kib)
            let d = Self.bytes(256 * kib, seed: 4)
            #expect(try await self.put(client, d, at: 512 * kib).status == 201)
            #expect(try PersistenceTests.bytesOnDisk(data) == 256 * kib)
            let read = try await client.send("GET", "/pages/disk", headers: ["x-ms-range": "bytes=0-\(768 * kib - 1)"])
            #expect(read.body == Data(count: 512 * kib) + d)
            // Shrinking drops the pages past the new end; deleting drops the rest.
            let shrunk = try await client.send(
                "PUT", "/pages/disk", query: [("comp", "properties")], headers: ["x-ms-blob-content-length": String(512 * kib + 4096)])
            #expect(shrunk.status == 200)
            #expect(try PersistenceTests.bytesOnDisk(data) == 256 * kib)
            _ = try await client.send(
                "PUT", "/pages/disk", query: [("comp", "properties")], headers: ["x-ms-blob-content-length": String(512 * kib)])
            #expect(try PersistenceTests.bytesOnDisk(data) == 0)
            #expect(try await self.put(client, d, at: 0).status == 201)
            #expect(try await client.send("DELETE", "/pages/disk").status == 202)
            #expect(try PersistenceTests.bytesOnDisk(data) == 0)
        }
    }

    @Test func aSnapshotKeepsTheChunksItSharesUntilItGoes() async throws {
        let location = try temporaryDirectory()
        let data = (location as NSString).appendingPathComponent("data")
        try await withEmulator(location: location) { _, client in
            _ = try await client.send("PUT", "/snaps", query: [("restype", "container")])
            _ = try await client.send(
                "PUT", "/snaps/disk", headers: ["x-ms-blob-type": "PageBlob", "x-ms-blob-content-length": String(1 << 20)])
            let original = Self.bytes(128 * 1024, seed: 5)
            _ = try await self.put(client, original, at: 0, blob: "/snaps/disk")
            let snapshot = try #require(
                try await client.send("PUT", "/snaps/disk", query: [("comp", "snapshot")]).header("x-ms-snapshot"))
            _ = try await client.send(
                "PUT", "/snaps/disk", query: [("comp", "page")], headers: ["x-ms-page-write": "clear", "x-ms-range": "bytes=0-\((1 << 20) - 1)"])
            #expect(try PersistenceTests.bytesOnDisk(data) == 128 * 1024)
            let old = try await client.send(
                "GET", "/snaps/disk", query: [("snapshot", snapshot)], headers: ["x-ms-range": "bytes=0-\(128 * 1024 - 1)"])
            #expect(old.body == original)
            #expect(try await client.send("DELETE", "/snaps/disk", query: [("snapshot", snapshot)]).status == 202)
            #expect(try PersistenceTests.bytesOnDisk(data) == 0)
        }
    }

    @Test func anAppendBlobTakesAtMostFiftyThousandBlocks() async throws {
        try await withEmulator { emulator, client in
            _ = try await client.send("PUT", "/limits", query: [("restype", "container")])
            _ = try await client.send("PUT", "/limits/log", headers: ["x-ms-blob-type": "AppendBlob"])
            #expect(try await client.send("PUT", "/limits/log", query: [("comp", "appendblock")], body: Data("x".utf8)).status == 201)
            // 49,998 more blocks written straight into the store (sending each would take minutes), sharing the
            // first block's chunk.
            try await emulator.store.database.write { db in
                let (id, chunk) = try #require(
                    try Row.fetchOne(db, sql: "SELECT blob_id, chunk_id FROM blob_blocks").map { ($0[0] as Int64, $0[1] as Int64) })
                for ordinal in 1..<49_999 {
                    try db.execute(
                        sql: "INSERT INTO blob_blocks (blob_id, ordinal, chunk_id, length) VALUES (?, ?, ?, 1)",
                        arguments: [id, ordinal, chunk])
                }
                try db.execute(sql: "UPDATE blobs SET content_length = 49999 WHERE id = ?", arguments: [id])
            }
            let last = try await client.send("PUT", "/limits/log", query: [("comp", "appendblock")], body: Data("y".utf8))
            #expect(last.status == 201 && last.header("x-ms-blob-committed-block-count") == "50000")
            #expect(last.header("x-ms-blob-append-offset") == "49999")
            let refused = try await client.send("PUT", "/limits/log", query: [("comp", "appendblock")], body: Data("z".utf8))
            #expect(refused.status == 409 && refused.header("x-ms-error-code") == "BlockCountExceedsLimit")
        }
    }

    @Test func appendAndPageBlobsSurviveARestart() async throws {
        let location = try temporaryDirectory()
        let paddedPage = Self.bytes(100 * 1024, seed: 6)
        try await withEmulator(location: location) { _, client in
            _ = try await client.send("PUT", "/kept", query: [("restype", "container")])
            _ = try await client.send("PUT", "/kept/log", headers: ["x-ms-blob-type": "AppendBlob"])
            _ = try await client.send("PUT", "/kept/log", query: [("comp", "appendblock")], body: Data("first ".utf8))
            _ = try await client.send("PUT", "/kept/log", query: [("comp", "appendblock")], body: Data(count: 70_000))
            #expect(try await client.send("PUT", "/kept/log", query: [("comp", "seal")]).status == 200)
            _ = try await client.send(
                "PUT", "/kept/disk",
                headers: ["x-ms-blob-type": "PageBlob", "x-ms-blob-content-length": "1048576", "x-ms-blob-sequence-number": "42"])
            #expect(try await self.put(client, paddedPage, at: 4096, blob: "/kept/disk").status == 201)
        }
        try await withEmulator(location: location) { _, client in
            let log = try await client.send("GET", "/kept/log")
            #expect(log.body == Data("first ".utf8) + Data(count: 70_000))
            #expect(log.header("x-ms-blob-type") == "AppendBlob")
            #expect(log.header("x-ms-blob-sealed") == "true")
            #expect(log.header("x-ms-blob-committed-block-count") == "2")
            let refused = try await client.send("PUT", "/kept/log", query: [("comp", "appendblock")], body: Data("x".utf8))
            #expect(refused.header("x-ms-error-code") == "BlobIsSealed")
            let disk = try await client.send("GET", "/kept/disk", headers: ["x-ms-range": "bytes=0-\(4096 + paddedPage.count - 1)"])
            #expect(disk.body == Data(count: 4096) + paddedPage)
            #expect(disk.header("x-ms-blob-sequence-number") == "42")
            let ranges = try await client.send("GET", "/kept/disk", query: [("comp", "pagelist")])
            #expect(ranges.text.contains("<PageRange><Start>4096</Start><End>\(4096 + paddedPage.count - 1)</End></PageRange>"))
        }
    }

    /// Page writes and appends from several clients while the emulator is killed with SIGKILL, twice: after the
    /// restart every acknowledged page and block reads back whole, a write that was in flight is all there or not
    /// at all (never torn), and each append blob is a sequence of whole blocks in the order they were sent.
    @Test func acknowledgedPagesAndAppendsSurviveKill9() async throws {
        let location = try temporaryDirectory()
        let (writers, perWriter, cycles) = (4, 300, 2)
        var acknowledged: [String: Data] = [:]
        for cycle in 0..<cycles {
            let child = try EmulatorProcess(location: location)
            let client = TestClient(base: child.endpoint)
            if cycle == 0 {
                _ = try await client.send("PUT", "/kill", query: [("restype", "container")])
                let size = String(cycles * writers * perWriter * Self.slot)
                _ = try await client.send("PUT", "/kill/disk", headers: ["x-ms-blob-type": "PageBlob", "x-ms-blob-content-length": size])
                for w in 0..<writers { _ = try await client.send("PUT", "/kill/log\(w)", headers: ["x-ms-blob-type": "AppendBlob"]) }
            }
            let acked = AckedWrites()
            let tasks = (0..<writers).map { w in
                Task {
                    for n in 0..<perWriter {
                        let index = (cycle * writers + w) * perWriter + n
                        let page = Self.payload(index, pages: true)
                        guard let written = try? await self.put(client, page, at: index * Self.slot, blob: "/kill/disk"),
                            written.status == 201
                        else { return }
                        await acked.add("page\(index)", page)
                        let block = Self.payload(index, pages: false)
                        guard let appended = try? await client.send("PUT", "/kill/log\(w)", query: [("comp", "appendblock")], body: block),
                            appended.status == 201
                        else { return }
                        await acked.add("block\(index)", block)
                    }
                }
            }
            acknowledged.merge(await acked.kill(child, after: 30 + 60 * cycle, writers: tasks)) { a, _ in a }
        }
        #expect(acknowledged.count >= 30)
        let child = try EmulatorProcess(location: location)
        let client = TestClient(base: child.endpoint)
        for w in 0..<writers {
            let log = try await client.send("GET", "/kill/log\(w)").body
            var cursor = 0
            for cycle in 0..<cycles {
                for n in 0..<perWriter {
                    let index = (cycle * writers + w) * perWriter + n
                    let block = Self.payload(index, pages: false)
                    if log.count >= cursor + block.count && log[cursor..<cursor + block.count] == block {
                        cursor += block.count
                    } else {
                        #expect(acknowledged["block\(index)"] == nil, "acknowledged block \(index) of log\(w) lost")
                        break
                    }
                }
            }
            #expect(cursor == log.count, "log\(w) ends in a torn block")
            // Every page slot this writer reached holds its whole write or nothing.
            for cycle in 0..<cycles {
                for n in 0..<perWriter {
                    let index = (cycle * writers + w) * perWriter + n
                    let page = Self.payload(index, pages: true)
                    let offset = index * Self.slot
                    let read = try await client.send("GET", "/kill/disk", headers: ["x-ms-range": "bytes=\(offset)-\(offset + page.count - 1)"])
                    if acknowledged["page\(index)"] != nil {
                        #expect(read.body == page, "acknowledged page write \(index) lost or damaged")
                    } else {
                        #expect(read.body == page || read.body == Data(count: page.count), "page write \(index) torn")
                        if read.body != page { break }
                    }
                }
            }
        }
        child.terminate()
    }

    // MARK: helpers

    /// The room each page write of the kill test has to itself.
    static let slot = 256 * 1024

    /// Deterministic content for write `index`: pages a multiple of 512 bytes (inline to several file chunks),
    /// append blocks of any size.
    static func payload(_ index: Int, pages: Bool) -> Data {
        let sizes = pages ? [512, 8 * 1024, 80 * 1024, 256 * 1024] : [37, 5_000, 70_001, 200_000]
        return bytes(sizes[index % 4], seed: UInt8(truncatingIfNeeded: index &* 7 &+ (pages ? 1 : 2)))
    }

    func put(_ client: TestClient, _ bytes: Data, at offset: Int, blob: String = "/pages/disk") async throws -> TestClient.Reply {
        try await client.send(
            "PUT", blob, query: [("comp", "page")],
            headers: ["x-ms-page-write": "update", "x-ms-range": "bytes=\(offset)-\(offset + bytes.count - 1)"], body: bytes)
    }

    static func bytes(_ count: Int, seed: UInt8) -> Data {
        Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(seed) &* 13) })
    }
}
