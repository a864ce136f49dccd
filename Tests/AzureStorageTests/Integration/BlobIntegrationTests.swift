import Crypto
import Foundation
import Testing

@testable import AzureStorage

/// Every Blob operation of the client against the in-process emulator.
@Suite struct BlobIntegrationTests {
    @Test func containerLifecycle() async throws {
        try await EmulatorFixture.with { _, client in
            let name = EmulatorFixture.containerName()
            let created = try await client.blobs.createContainer(name)
            #expect(created)
            #expect(try await !client.blobs.createContainer(name))
            #expect(try await client.blobs.deleteContainer(name))
            #expect(try await !client.blobs.deleteContainer(name))
        }
    }

    @Test func putBlobStoresMD5MetadataTypeAndTier() async throws {
        try await EmulatorFixture.with { _, client in
            let container = EmulatorFixture.containerName()
            try await client.blobs.createContainer(container)
            let bytes = TestClients.bytes(count: 12345)
            var options = BlobUploadOptions()
            options.contentType = "image/jpeg"
            options.metadata = ["path": "2024/summer/IMG_0001.JPG", "mtime": "1720000000"]
            options.tier = .cool
            options.ifNotExists = true
            let result = try await client.blobs.putBlob(
                container: container, name: "abc", bytes: bytes, options: options)
            #expect(result.outcome == .uploaded)
            let properties = try await client.blobs.properties(container: container, name: "abc")
            #expect(properties.contentLength == 12345)
            #expect(properties.contentType == "image/jpeg")
            #expect(properties.contentMD5 == Array(Insecure.MD5.hash(data: bytes)))
            #expect(properties.metadata == ["path": "2024/summer/IMG_0001.JPG", "mtime": "1720000000"])
            #expect(properties.accessTier == .cool)

            // The same content again is an idempotent success; other content must not overwrite.
            let again = try await client.blobs.putBlob(
                container: container, name: "abc", bytes: bytes, options: options)
            #expect(again.outcome == .alreadyExists)
            await #expect(throws: AzureStorageError.self) {
                try await client.blobs.putBlob(
                    container: container, name: "abc", bytes: TestClients.bytes(count: 10, seed: 7), options: options)
            }
            #expect(try await client.blobs.getBlob(container: container, name: "abc").bytes == bytes)
        }
    }

    @Test func unicodeNamesRoundTrip() async throws {
        try await EmulatorFixture.with { _, client in
            let container = EmulatorFixture.containerName()
            try await client.blobs.createContainer(container)
            let name = "Été 2024/写真 #1 (copy)+%.jpg"
            try await client.blobs.putBlob(container: container, name: name, bytes: Array("x".utf8))
            #expect(try await client.blobs.getBlob(container: container, name: name).bytes == Array("x".utf8))
            let listed = try await client.blobs.allBlobs(container: container)
            #expect(listed.map(\.name) == [name])
        }
    }

    @Test func largeUploadInBlocksAndParallelRangedDownload() async throws {
        let directory = try TestClients.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("master.raw")
        let content = TestClients.bytes(count: 64 * 1024 * 1024 + 1)
        try Data(content).write(to: source)
        // 8 MiB blocks and 8 MiB ranges: 9 of each, the last one a single byte.
        try await EmulatorFixture.with(configure: { $0.blobTransfers.downloadRangeSize = 8 << 20 }) { _, client in
            let container = EmulatorFixture.containerName()
            try await client.blobs.createContainer(container)
            var options = BlobUploadOptions()
            options.ifNotExists = true
            options.contentType = "image/x-canon-cr2"
            let result = try await client.blobs.uploadFile(
                path: source.path, container: container, name: "master", options: options)
            #expect(result.outcome == .uploaded)
            #expect(result.blocksUploaded == 9)
            #expect(result.contentMD5 == Array(Insecure.MD5.hash(data: content)))
            let listing = try await client.blobs.blockList(container: container, name: "master")
            #expect(listing.committed.count == 9)
            #expect(listing.committed.last?.size == 1)
            #expect(
                try await client.blobs.properties(container: container, name: "master").contentMD5 == result.contentMD5)

            // Checked as it comes by default: each range of at most 4 MiB against the CRC64 the emulator sends.
            let target = directory.appendingPathComponent("restored.raw").path
            let download = try await client.blobs.download(container: container, name: "master", to: target)
            #expect(download.ranges == 17)
            #expect(download.verified)
            #expect(download.bytes == Int64(content.count))
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data(content))

            // Checked against the MD5 the upload set: the whole file hashed in order, over the configured ranges.
            let byMD5 = try await client.blobs.download(
                container: container, name: "master", to: target, check: .contentMD5)
            #expect(byMD5.ranges == 9 && byMD5.verified)
            #expect(byMD5.digest == result.contentMD5)

            // Checked by the SHA-256 its name promises instead: the one hash, computed over the nine ranges in order.
            let sha256 = SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined()
            let byName = try await client.blobs.download(
                container: container, name: "master", to: target, check: .sha256(sha256))
            #expect(byName.verified && byName.ranges == 9)
            #expect(byName.digest == Array(SHA256.hash(data: content)))
            let wrong = String(repeating: "0", count: 64)
            let refused = directory.appendingPathComponent("refused.raw").path
            await #expect {
                try await client.blobs.download(container: container, name: "master", to: refused, check: .sha256(wrong))
            } throws: { error in
                (error as? AzureStorageError)?.code == .integrity && "\(error)".contains(sha256)
            }
            #expect(!FileManager.default.fileExists(atPath: refused))

            // Uploading the same master again finds it there and sends nothing.
            let again = try await client.blobs.uploadFile(
                path: source.path, container: container, name: "master", options: options)
            #expect(again.outcome == .alreadyExists)
        }
    }

    /// The emulator, a client that sends anything above 1 MiB in 1 MiB blocks, and a fresh container.
    private static func withMebibyteBlocks(
        blocksInFlight: Int? = nil, _ body: (StorageClient, String) async throws -> Void
    ) async throws {
        try await EmulatorFixture.with(configure: {
            $0.blobTransfers.singleUploadLimit = 1 << 20
            $0.blobTransfers.blockSize = 1 << 20
            if let blocksInFlight { $0.blobTransfers.maxConcurrentBlocks = blocksInFlight }
        }) { _, client in
            let container = EmulatorFixture.containerName()
            try await client.blobs.createContainer(container)
            try await body(client, container)
        }
    }

    @Test func resumesAnUploadFromStagedBlocks() async throws {
        let directory = try TestClients.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("big.bin")
        let content = TestClients.bytes(count: 5 * 1024 * 1024 + 17, seed: 3)
        try Data(content).write(to: source)
        try await Self.withMebibyteBlocks { client, container async throws in
            // An earlier run staged blocks 0…2 before it crashed.
            for index in 0..<3 {
                let block = Array(content[(index << 20)..<((index + 1) << 20)])
                let id = BlockID.make(index: index, md5: Array(Insecure.MD5.hash(data: block)))
                try await client.blobs.putBlock(container: container, name: "big", blockID: id, bytes: block)
            }
            let result = try await client.blobs.uploadFile(path: source.path, container: container, name: "big")
            #expect(result.blocksReused == 3)
            #expect(result.blocksUploaded == 3)
            #expect(try await client.blobs.getBlob(container: container, name: "big").bytes == content)
        }
    }

    /// A master is hashed at ingest and uploaded later: if the file changed in between (or while its
    /// blocks were being read), committing it would store other bytes under the old content's MD5.
    @Test func refusesToCommitBlocksThatDoNotMatchTheDeclaredMD5() async throws {
        let directory = try TestClients.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("changed.bin")
        let hashed = TestClients.bytes(count: 3 * 1024 * 1024 + 5, seed: 8)
        var changed = hashed
        changed[2 * 1024 * 1024] ^= 0xFF  // one byte of the last block rewritten after hashing
        try Data(changed).write(to: source)
        try await Self.withMebibyteBlocks { client, container async throws in
            var options = BlobUploadOptions()
            options.contentMD5 = Array(Insecure.MD5.hash(data: hashed))
            let error = await #expect(throws: AzureStorageError.self) {
                try await client.blobs.uploadFile(path: source.path, container: container, name: "master", options: options)
            }
            #expect(error?.code == .integrity)
            #expect(error?.description.contains("changed during the upload") == true)
            #expect(try await client.blobs.propertiesIfExists(container: container, name: "master") == nil)
        }
    }

    @Test func resumesAfterACancelledUpload() async throws {
        let directory = try TestClients.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("big.bin")
        let content = TestClients.bytes(count: 12 * 1024 * 1024, seed: 11)
        try Data(content).write(to: source)
        try await Self.withMebibyteBlocks(blocksInFlight: 2) { client, container async throws in
            let (progress, progressContinuation) = AsyncStream<Int>.makeStream()
            var options = BlobUploadOptions()
            options.progress = { done, _ in progressContinuation.yield(done) }
            let upload = Task {
                try await client.blobs.uploadFile(
                    path: source.path, container: container, name: "big", options: options)
            }
            for await done in progress where done >= 3 { break }
            upload.cancel()
            await #expect(throws: CancellationError.self) { try await upload.value }
            #expect(try await client.blobs.propertiesIfExists(container: container, name: "big") == nil)

            let staged = try await client.blobs.blockList(container: container, name: "big").uncommitted.count
            #expect(staged >= 3)
            let result = try await client.blobs.uploadFile(path: source.path, container: container, name: "big")
            #expect(result.blocksReused == staged)
            #expect(result.blocksReused + result.blocksUploaded == 12)
            #expect(try await client.blobs.getBlob(container: container, name: "big").bytes == content)
        }
    }

    @Test func smallDownloadEmptyBlobAndRanges() async throws {
        let directory = try TestClients.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await EmulatorFixture.with { _, client in
            let container = EmulatorFixture.containerName()
            try await client.blobs.createContainer(container)
            let bytes = TestClients.bytes(count: 1000)
            try await client.blobs.putBlob(container: container, name: "small", bytes: bytes)
            try await client.blobs.putBlob(container: container, name: "empty", bytes: [])

            let small = try await client.blobs.download(
                container: container, name: "small", to: directory.appendingPathComponent("small").path)
            #expect(small.ranges == 1 && small.verified && small.bytes == 1000)
            let smallSHA = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            let smallByName = try await client.blobs.download(
                container: container, name: "small", to: directory.appendingPathComponent("small2").path,
                check: .sha256(smallSHA))
            #expect(smallByName.digest == Array(SHA256.hash(data: bytes)))
            let empty = try await client.blobs.download(
                container: container, name: "empty", to: directory.appendingPathComponent("empty").path)
            #expect(empty.bytes == 0)
            #expect(try Data(contentsOf: directory.appendingPathComponent("empty")).isEmpty)

            let part = try await client.blobs.getBlob(container: container, name: "small", range: 10...19)
            #expect(part.bytes == Array(bytes[10...19]))
            await #expect(throws: AzureStorageError.self) {
                try await client.blobs.download(
                    container: container, name: "absent", to: directory.appendingPathComponent("absent").path)
            }
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("absent").path))
        }
    }

    @Test func listsWithPaginationPrefixesAndMetadata() async throws {
        try await EmulatorFixture.with { _, client in
            let container = EmulatorFixture.containerName()
            try await client.blobs.createContainer(container)
            var options = BlobUploadOptions()
            options.metadata = ["kind": "preview"]
            for name in ["a/1.jpg", "a/2.jpg", "a/3.jpg", "b/1.jpg", "c.jpg", "d.jpg", "e.jpg"] {
                try await client.blobs.putBlob(
                    container: container, name: name, bytes: Array(name.utf8), options: options)
            }
            var names: [String] = []
            var pages = 0
            var marker: String?
            repeat {
                let page = try await client.blobs.listBlobs(
                    container: container, marker: marker, maxResults: 3, includeMetadata: true)
                #expect(page.blobs.count <= 3)
                #expect(page.blobs.allSatisfy { $0.properties.metadata["kind"] == "preview" })
                names += page.blobs.map(\.name)
                marker = page.nextMarker
                pages += 1
            } while marker != nil
            #expect(pages == 3)
            #expect(names == ["a/1.jpg", "a/2.jpg", "a/3.jpg", "b/1.jpg", "c.jpg", "d.jpg", "e.jpg"])

            let top = try await client.blobs.listBlobs(container: container, delimiter: "/")
            #expect(top.prefixes == ["a/", "b/"])
            #expect(top.blobs.map(\.name) == ["c.jpg", "d.jpg", "e.jpg"])
            let underA = try await client.blobs.allBlobs(container: container, prefix: "a/")
            #expect(underA.count == 3)
            #expect(underA.first?.properties.contentLength == 7)
            #expect(underA.first?.properties.contentMD5 == Array(Insecure.MD5.hash(data: Array("a/1.jpg".utf8))))
        }
    }

    @Test func deleteSetTierAndCopy() async throws {
        try await EmulatorFixture.with { _, client in
            let container = EmulatorFixture.containerName()
            try await client.blobs.createContainer(container)
            let bytes = TestClients.bytes(count: 4096)
            try await client.blobs.putBlob(container: container, name: "src", bytes: bytes)

            try await client.blobs.setTier(container: container, name: "src", tier: .cool)
            #expect(try await client.blobs.properties(container: container, name: "src").accessTier == .cool)

            let copy = try await client.blobs.copy(
                fromContainer: container, name: "src", toContainer: container, name: "dst")
            #expect(copy.status == "success")
            #expect(try await client.blobs.getBlob(container: container, name: "dst").bytes == bytes)

            #expect(try await client.blobs.delete(container: container, name: "src"))
            #expect(try await !client.blobs.delete(container: container, name: "src"))
            do {
                _ = try await client.blobs.properties(container: container, name: "src")
                Issue.record("the deleted blob still has properties")
            } catch let error as AzureStorageError {
                #expect(error.isNotFound)
            }
        }
    }
}
