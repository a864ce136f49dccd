import Catalog
import Crypto
import Glibc

/// SHA-256 (the blob name, content addressing) and MD5 (Azure's Content-MD5) of a file, computed
/// in one read pass so a file is read from disk once.
package struct ContentDigest: Sendable, Hashable, Codable {
    /// Lowercase hex SHA-256.
    package var sha256: String
    /// Lowercase hex MD5.
    package var md5: String
    /// Bytes hashed.
    package var size: Int

    /// Wraps computed digests.
    package init(sha256: String, md5: String, size: Int) {
        self.sha256 = sha256
        self.md5 = md5
        self.size = size
    }
}

/// Hashes files or bytes; stateless.
package enum ContentHasher {
    /// Hashes bytes already in memory (an image read for decoding).
    package static func digest(of bytes: UnsafeRawBufferPointer) -> ContentDigest {
        var sha = SHA256()
        var md5 = Insecure.MD5()
        sha.update(bufferPointer: bytes)
        md5.update(bufferPointer: bytes)
        return ContentDigest(sha256: hex(sha.finalize()), md5: hex(md5.finalize()), size: bytes.count)
    }

    /// Streams a file through both hashes in 1 MiB reads; when `keepBytes` is set (images small
    /// enough to decode) the content is also returned, so the decoder needs no second read.
    package static func digest(ofFileAt path: String, keepBytes: Bool = false) throws -> (ContentDigest, [UInt8]?) {
        let fd = try RegularFile.open(path)
        defer { close(fd) }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        var sha = SHA256()
        var md5 = Insecure.MD5()
        var kept: [UInt8] = []
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let count = read(fd, buffer.baseAddress, chunk)
            if count < 0 {
                if errno == EINTR { continue }
                throw CatalogError(.io, path, detail: "read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            let slice = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            sha.update(bufferPointer: slice)
            md5.update(bufferPointer: slice)
            if keepBytes { kept.append(contentsOf: slice) }
            total += count
        }
        return (
            ContentDigest(sha256: hex(sha.finalize()), md5: hex(md5.finalize()), size: total), keepBytes ? kept : nil
        )
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
