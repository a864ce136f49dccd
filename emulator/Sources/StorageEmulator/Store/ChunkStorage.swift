import AzureWire
import Crypto
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import _NIOFileSystem

/// Where the bytes of blobs and staged blocks live.
///
/// A *chunk* is one uploaded body (a Put Blob or a Put Block). Bodies up to `inlineLimit`
/// are kept inline in the metadata database (one fsync for the whole write); larger ones are
/// streamed to a file of their own under the data directory, fsynced before the database
/// transaction that references them commits. The database is the only source of truth: a file
/// that no row references (a crash between the two steps) is swept away at start.
public final class ChunkStorage: Sendable {
    /// Bodies at most this large are stored inline in SQLite.
    public static let inlineLimit = 64 * 1024

    enum Backend: Sendable {
        case directory(String)
        case memory(NIOLockedValueBox<[String: ByteBuffer]>)
    }
    let backend: Backend
    private let fileSystem = FileSystem.shared

    init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for index in 0..<256 {
            let sub = (directory as NSString).appendingPathComponent(Self.hex(UInt8(index)))
            if !FileManager.default.fileExists(atPath: sub) {
                try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
            }
        }
        backend = .directory(directory)
    }

    private init(memory: NIOLockedValueBox<[String: ByteBuffer]>) { backend = .memory(memory) }

    static func inMemory() -> ChunkStorage { ChunkStorage(memory: NIOLockedValueBox([:])) }

    /// A received body: its bytes inline, or the name of the file that holds them, plus its MD5.
    public struct Staged: Sendable {
        public var inline: ByteBuffer?
        public var file: String?
        public var length: Int
        public var md5: [UInt8]
        /// The body's CRC64, its 8 bytes as sent, when the request carried one to check.
        public var crc64: [UInt8]?
    }

    /// The hashes of a body taken as it arrives: MD5 always (Azure stores and answers it), CRC64 when asked.
    private struct BodyHashes {
        var md5 = Insecure.MD5()
        var crc64: CRC64?

        mutating func update(_ part: ByteBuffer) {
            part.withUnsafeReadableBytes { bytes in
                md5.update(bufferPointer: bytes)
                crc64?.update(bytes)
            }
        }

        func staged(inline: ByteBuffer?, file: String?, length: Int) -> Staged {
            Staged(inline: inline, file: file, length: length, md5: Array(md5.finalize()), crc64: crc64?.bytes)
        }
    }

    /// Receives a request body, hashing it on the way (with CRC64 too when `crc64`); fails with
    /// `RequestBodyTooLarge` past `limit`.
    func receive(_ body: some AsyncSequence<ByteBuffer, any Error>, limit: Int, crc64: Bool = false) async throws -> Staged {
        var hashes = BodyHashes(crc64: crc64 ? CRC64() : nil)
        var pending = ByteBuffer()
        var length = 0
        var iterator = body.makeAsyncIterator()
        while let part = try await iterator.next() {
            length += part.readableBytes
            guard length <= limit else { throw StorageError.requestBodyTooLarge(limit: limit) }
            hashes.update(part)
            pending.writeImmutableBuffer(part)
            if pending.readableBytes > Self.inlineLimit {
                return try await spill(pending, rest: &iterator, length: length, hashes: hashes, limit: limit)
            }
        }
        return hashes.staged(inline: pending, file: nil, length: length)
    }

    /// Moves a body that outgrew the inline limit to a file and streams the rest after it.
    private func spill<Iterator: AsyncIteratorProtocol>(
        _ head: ByteBuffer, rest iterator: inout Iterator, length: Int, hashes: BodyHashes, limit: Int
    ) async throws -> Staged where Iterator.Element == ByteBuffer {
        var hashes = hashes
        var length = length
        let name = Self.newFileName()
        switch backend {
        case .memory(let box):
            var buffer = head
            while let part = try await iterator.next() {
                length += part.readableBytes
                guard length <= limit else { throw StorageError.requestBodyTooLarge(limit: limit) }
                hashes.update(part)
                buffer.writeImmutableBuffer(part)
            }
            let stored = buffer
            box.withLockedValue { $0[name] = stored }
        case .directory:
            let path = self.path(of: name)
            let handle = try await fileSystem.openFile(
                forWritingAt: FilePath(path), options: .newFile(replaceExisting: true))
            do {
                var offset: Int64 = 0
                try await handle.write(contentsOf: head, toAbsoluteOffset: offset)
                offset += Int64(head.readableBytes)
                while let part = try await iterator.next() {
                    length += part.readableBytes
                    guard length <= limit else { throw StorageError.requestBodyTooLarge(limit: limit) }
                    hashes.update(part)
                    try await handle.write(contentsOf: part, toAbsoluteOffset: offset)
                    offset += Int64(part.readableBytes)
                }
                try await handle.synchronize()
                try await handle.close()
                try await syncDirectory(of: path)
            } catch {
                try? await handle.close()
                unlink(path)
                throw error
            }
        }
        return hashes.staged(inline: nil, file: name, length: length)
    }

    /// Reads `range` of a stored file piece by piece, handing each piece to `consume` before reading the next,
    /// so a slow reader (a client on a slow link) holds back the disk instead of filling memory.
    func read(file name: String, range: Range<Int64>, _ consume: (ByteBuffer) async throws -> Void) async throws {
        switch backend {
        case .memory(let box):
            guard let slice = box.withLockedValue({ $0[name] })?.getSlice(at: Int(range.lowerBound), length: Int(range.count))
            else { throw StorageError.internalError("chunk \(name) is missing") }
            try await consume(slice)
        case .directory:
            try await fileSystem.withFileHandle(forReadingAt: FilePath(path(of: name))) { handle in
                for try await chunk in handle.readChunks(in: range, chunkLength: .mebibytes(1)) {
                    try await consume(chunk)
                }
            }
        }
    }

    /// Removes files no row references any more. Errors are ignored: a leftover file is swept at the next start.
    func remove(files names: [String]) {
        guard !names.isEmpty else { return }
        switch backend {
        case .memory(let box): box.withLockedValue { storage in for name in names { storage[name] = nil } }
        case .directory: for name in names { unlink(path(of: name)) }
        }
    }

    /// Deletes every file in the data directory that `isReferenced` does not claim; returns how many.
    func sweep(keeping isReferenced: (String) -> Bool) -> Int {
        guard case .directory(let root) = backend else { return 0 }
        var removed = 0
        for index in 0..<256 {
            let sub = (root as NSString).appendingPathComponent(Self.hex(UInt8(index)))
            for name in (try? FileManager.default.contentsOfDirectory(atPath: sub)) ?? [] where !isReferenced(name) {
                unlink((sub as NSString).appendingPathComponent(name))
                removed += 1
            }
        }
        return removed
    }

    func path(of name: String) -> String {
        guard case .directory(let root) = backend else { return name }
        return (root as NSString).appendingPathComponent(String(name.prefix(2)) + "/" + name)
    }

    private func syncDirectory(of path: String) async throws {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        fsync(fd)
    }

    static func newFileName() -> String { UUIDString.make().replacingOccurrences(of: "-", with: "") }

    static func hex(_ byte: UInt8) -> String { (byte < 16 ? "0" : "") + String(byte, radix: 16) }
}
