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
        return ResponseBody(contentLength: Int(range.count)) { writer in
            for (extent, local) in pieces {
                if let inline = extent.inline {
                    let slice = inline[inline.startIndex + Int(local.lowerBound)..<inline.startIndex + Int(local.upperBound)]
                    try await writer.write(ByteBuffer(bytes: slice))
                } else if let file = extent.file {
                    try await chunks.read(file: file, range: local) { try await writer.write($0) }
                }
            }
            try await writer.finish(nil)
        }
    }

    /// MD5 of a range (for `x-ms-range-get-content-md5`), read from the same extents.
    static func md5(_ extents: [BlobExtent], range: Range<Int64>, chunks: ChunkStorage) async throws -> Data {
        var hash = Insecure.MD5()
        for (extent, local) in slices(extents, range: range) {
            if let inline = extent.inline {
                hash.update(data: inline[inline.startIndex + Int(local.lowerBound)..<inline.startIndex + Int(local.upperBound)])
            } else if let file = extent.file {
                try await chunks.read(file: file, range: local) { buffer in
                    buffer.withUnsafeReadableBytes { hash.update(bufferPointer: $0) }
                }
            }
        }
        return Data(hash.finalize())
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
