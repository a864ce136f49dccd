import Catalog
@testable import Ingest
import Foundation
import Testing

@Suite("Content hashing")
struct HasherTests {
    @Test(arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "900150983cd24fb0d6963f7d28e17f72"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "d41d8cd98f00b204e9800998ecf8427e"),
    ])
    func knownVectors(text: String, sha256: String, md5: String) throws {
        let bytes = Array(text.utf8)
        let digest = bytes.withUnsafeBytes { ContentHasher.digest(of: $0) }
        #expect(digest.sha256 == sha256)
        #expect(digest.md5 == md5)
        let scratch = try ScratchCatalog()
        let path = scratch.folder + "/vector"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let (fromFile, kept) = try ContentHasher.digest(ofFileAt: path, keepBytes: true)
        #expect(fromFile == digest)
        #expect(kept == bytes)
    }

    /// Several read chunks: the streamed digests equal the one-shot ones.
    @Test func largeFileInOnePass() throws {
        var generator = SplitMix(state: 99)
        var bytes = [UInt8]()
        bytes.reserveCapacity(3 << 20 + 12345)
        while bytes.count < 3 << 20 + 12345 {
            withUnsafeBytes(of: generator.next()) { bytes.append(contentsOf: $0) }
        }
        let scratch = try ScratchCatalog()
        let path = scratch.folder + "/big.bin"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let (streamed, kept) = try ContentHasher.digest(ofFileAt: path)
        #expect(kept == nil)
        #expect(streamed == bytes.withUnsafeBytes { ContentHasher.digest(of: $0) })
        #expect(streamed.size == bytes.count)
    }

    @Test func missingFileIsAnIOError() throws {
        let error = try #require(throws: CatalogError.self) {
            try ContentHasher.digest(ofFileAt: "/nonexistent/\(UUID().uuidString)")
        }
        #expect(error.code == .io)
        #expect(error.detail?.contains("No such file") == true)
    }
}

/// A FIFO (or socket) where a file was listed is refused at once, never read: a read would wait forever.
@Suite("Regular files only")
struct RegularFileTests {
    @Test func aFIFOIsRefusedWithoutWaitingForAWriter() throws {
        let scratch = try ScratchCatalog()
        let path = scratch.folder + "/was a photo.jpg"
        #expect(mkfifo(path, 0o644) == 0)
        let error = try #require(throws: CatalogError.self) { try ContentHasher.digest(ofFileAt: path) }
        #expect(error.detail?.contains("not a regular file") == true)
        #expect(FileIngest.head(of: path).isEmpty)
    }
}
