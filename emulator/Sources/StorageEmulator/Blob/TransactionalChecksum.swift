import AzureWire
import Foundation
import HTTPTypes

/// The checksum a client sends with a body it uploads (Put Blob, Put Block, Append Block, Put Page): `Content-MD5`
/// or `x-ms-content-crc64`, never both, checked against the bytes received and answered in the response as Azure
/// answers it (the service's own value of the same kind; `Content-MD5` when the client sent none).
struct TransactionalChecksum: Sendable {
    var md5: Data?
    var crc64: Data?

    /// Reads the request's checksum headers: 400 for a malformed value or for both at once.
    init(_ request: StorageRequest) throws {
        md5 = try BlobHeaders.transactionalMD5(request)
        if let text = request.header("x-ms-content-crc64") {
            guard let decoded = Data(base64Encoded: text), decoded.count == 8 else {
                throw StorageError.invalidHeader("x-ms-content-crc64", text, "Not a base64 CRC64 of 8 bytes.")
            }
            crc64 = decoded
        }
        if md5 != nil && crc64 != nil {
            throw StorageError(
                .badRequest, "InvalidHeaderValue", "Content-MD5 and x-ms-content-crc64 cannot be sent together.")
        }
    }

    /// Whether the body must be hashed with CRC64 as it arrives.
    var wantsCRC64: Bool { crc64 != nil }

    /// 400 `Md5Mismatch` or `Crc64Mismatch` when the client's value disagrees with the bytes received.
    func check(_ staged: ChunkStorage.Staged) throws {
        try BlobHeaders.checkMD5(md5, computed: staged.md5)
        if let crc64, let computed = staged.crc64, Array(crc64) != computed {
            throw StorageError(
                .badRequest, "Crc64Mismatch",
                "The CRC64 value specified in the request did not match with the CRC64 value calculated by the server.",
                details: [
                    ("UserSpecifiedCrc64", crc64.base64EncodedString()),
                    ("ServerCalculatedCrc64", Data(computed).base64EncodedString()),
                ])
        }
    }

    /// The service's checksum of the body, of the kind the client asked about.
    func answer(_ staged: ChunkStorage.Staged, into headers: inout HTTPFields) {
        if let computed = staged.crc64, wantsCRC64 {
            headers[BlobService.contentCRC64] = Data(computed).base64EncodedString()
        } else {
            headers[HTTPField.Name("Content-MD5")!] = Data(staged.md5).base64EncodedString()
        }
    }
}
