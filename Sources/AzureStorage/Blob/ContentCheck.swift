import AzureWire
import Crypto

/// How a download proves its bytes are the blob's. One check is computed, on the bytes as they arrive (a second
/// pass over the file would read it again), and each answers a different question at a different price (one core
/// here: MD5 0.74 GB/s and SHA-256 1.7 GB/s by `openssl speed`, CRC64 2.4 GB/s by `CRC64Tests`' table code):
/// - `sha256`: the bytes are the content a content-addressed name promises, end to end. The strongest check and,
///   with SHA extensions, cheaper than MD5: a master needs nothing else.
/// - `transferCRC64`: the bytes are what the service holds, each range checked against the CRC64 the service
///   computes as it sends it (`x-ms-range-get-content-crc64`), the transfer check Microsoft's SDKs choose by
///   default ("auto" is CRC64). The cheapest: a plain download of any blob, whose uploader may not have set an MD5.
/// - `contentMD5`: the bytes are the ones the uploader hashed, when it set a Content-MD5 (Put Blob always has one);
///   the whole file is hashed in order, so it costs the most.
package enum ContentCheck: Sendable, Equatable {
    /// Against the blob's Content-MD5, when it has one.
    case contentMD5
    /// Against this SHA-256, as lowercase hex.
    case sha256(String)
    /// Each range against the CRC64 the service sends with it (ranges of at most 4 MiB, as Azure computes them).
    case transferCRC64

    /// The hash a download computes: over the whole blob in order, or (CRC64) over each range by itself.
    package enum Hash: Sendable {
        case md5, sha256, crc64
    }

    var hash: Hash {
        switch self {
        case .contentMD5: .md5
        case .sha256: .sha256
        case .transferCRC64: .crc64
        }
    }
}

/// One running hash of any kind, fed as bytes arrive.
struct StreamHasher {
    private var md5: Insecure.MD5?
    private var sha256: SHA256?
    private var crc64: CRC64?

    init(_ kind: ContentCheck.Hash) {
        switch kind {
        case .md5: md5 = Insecure.MD5()
        case .sha256: sha256 = SHA256()
        case .crc64: crc64 = CRC64()
        }
    }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        md5?.update(bufferPointer: bytes)
        sha256?.update(bufferPointer: bytes)
        crc64?.update(bytes)
    }

    /// The digest as the service sends it (CRC64: its 8 bytes little-endian).
    func finalize() -> [UInt8] {
        if let md5 { return Array(md5.finalize()) }
        if let crc64 { return crc64.bytes }
        return sha256.map { Array($0.finalize()) } ?? []
    }
}
