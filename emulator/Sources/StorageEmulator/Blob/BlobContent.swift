import AzureWire
import Crypto
import Foundation
import Hummingbird
import NIOCore

/// A requested byte range of a blob (`Range` or `x-ms-range`, the latter winning).
struct ByteRange: Sendable, Equatable {
    var start: Int64
    /// Inclusive end, or nil for "to the end".
    var end: Int64?

    /// Parses `bytes=START-END` or `bytes=START-`. Azure ignores a header it cannot parse, and so do we.
    static func parse(_ request: StorageRequest) -> ByteRange? {
        guard let text = request.header("x-ms-range") ?? request.header("range") else { return nil }
        guard text.hasPrefix("bytes=") else { return nil }
        let spec = text.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        guard let start = Int64(spec[..<dash]) else { return nil }
        let endText = spec[spec.index(after: dash)...]
        if endText.isEmpty { return ByteRange(start: start, end: nil) }
        guard let end = Int64(endText), end >= start else { return nil }
        return ByteRange(start: start, end: end)
    }

    /// The half-open range within a blob of `length` bytes, or 416 `InvalidRange` when it starts past the end.
    func resolve(length: Int64) throws -> Range<Int64> {
        guard start < length else {
            throw StorageError(
                .rangeNotSatisfiable, "InvalidRange", "The range specified is invalid for the current size of the resource.",
                headers: [.contentRange: "bytes */\(length)"])
        }
        // The end clamped before the +1: `bytes=0-9223372036854775807` asks for everything, not an overflow.
        return start..<(min(end ?? length - 1, length - 1) + 1)
    }
}

/// Streams a byte range of a blob's extents (inline bytes and chunk files) as a response body.
enum BlobContent {
    static func body(_ extents: [BlobExtent], range: Range<Int64>, chunks: ChunkStorage) -> ResponseBody {
        let pieces = slices(extents, range: range)
        // A small range whose bytes are kept in the database (bodies up to `ChunkStorage.inlineLimit`) is already
        // in memory: one buffer answers at once, without the streaming writer's round trips. (A large blob made of
        // many small inline blocks still streams: it would otherwise be copied whole into memory.)
        if range.count <= ChunkStorage.inlineLimit, pieces.allSatisfy({ $0.0.inline != nil }) {
            var buffer = ByteBuffer()
            buffer.reserveCapacity(Int(range.count))
            for (extent, local) in pieces {
                let inline = extent.inline!
                buffer.writeBytes(
                    inline[inline.startIndex + Int(local.lowerBound + extent.offset)..<inline.startIndex
                        + Int(local.upperBound + extent.offset)])
            }
            return ResponseBody(byteBuffer: buffer)
        }
        return ResponseBody(contentLength: Int(range.count)) { writer in
            for (extent, local) in pieces {
                try await read(extent, local, chunks: chunks) { try await writer.write($0) }
            }
            try await writer.finish(nil)
        }
    }

    /// MD5 of a range (for `x-ms-range-get-content-md5`), read from the same extents.
    static func md5(_ extents: [BlobExtent], range: Range<Int64>, chunks: ChunkStorage) async throws -> Data {
        var hash = Insecure.MD5()
        try await forEachPiece(extents, range: range, chunks: chunks) { hash.update(bufferPointer: $0) }
        return Data(hash.finalize())
    }

    /// CRC64 of a range (for `x-ms-range-get-content-crc64`), its 8 bytes as sent.
    static func crc64(_ extents: [BlobExtent], range: Range<Int64>, chunks: ChunkStorage) async throws -> Data {
        var crc = CRC64()
        try await forEachPiece(extents, range: range, chunks: chunks) { crc.update($0) }
        return Data(crc.bytes)
    }

    private static func forEachPiece(
        _ extents: [BlobExtent], range: Range<Int64>, chunks: ChunkStorage, _ body: (UnsafeRawBufferPointer) -> Void
    ) async throws {
        for (extent, local) in slices(extents, range: range) {
            try await read(extent, local, chunks: chunks) { buffer in buffer.withUnsafeReadableBytes(body) }
        }
    }

    /// Zeros for page-blob gaps are handed out a mebibyte at a time, like file reads.
    static let zeroPiece = ByteBuffer(repeating: 0, count: 1024 * 1024)

    /// Hands `local` (a range within the extent) to `consume`: inline bytes, a chunk file's bytes from the
    /// extent's offset on, or zeros for an extent stored nowhere.
    private static func read(
        _ extent: BlobExtent, _ local: Range<Int64>, chunks: ChunkStorage, _ consume: (ByteBuffer) async throws -> Void
    ) async throws {
        let range = local.lowerBound + extent.offset..<local.upperBound + extent.offset
        if let inline = extent.inline {
            try await consume(ByteBuffer(bytes: inline[inline.startIndex + Int(range.lowerBound)..<inline.startIndex + Int(range.upperBound)]))
        } else if let file = extent.file {
            try await chunks.read(file: file, range: range, consume)
        } else {
            var remaining = Int(range.count)
            while remaining > 0 {
                let count = min(remaining, zeroPiece.readableBytes)
                try await consume(zeroPiece.getSlice(at: zeroPiece.readerIndex, length: count)!)
                remaining -= count
            }
        }
    }

    /// The extents a range touches, each with the range within that extent.
    static func slices(_ extents: [BlobExtent], range: Range<Int64>) -> [(BlobExtent, Range<Int64>)] {
        var result: [(BlobExtent, Range<Int64>)] = []
        var offset: Int64 = 0
        for extent in extents {
            let extentRange = offset..<offset + extent.length
            offset += extent.length
            let overlap = extentRange.clamped(to: range)
            guard !overlap.isEmpty else { continue }
            result.append((extent, overlap.lowerBound - extentRange.lowerBound..<overlap.upperBound - extentRange.lowerBound))
        }
        return result
    }
}
