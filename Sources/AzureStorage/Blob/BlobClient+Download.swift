import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension BlobClient {
    /// Get Blob into memory, for small blobs (previews, manifests). A whole-blob read is checked
    /// against the MD5 Azure holds.
    package func getBlob(container: String, name: String, range: ClosedRange<Int64>? = nil) async throws
        -> (bytes: [UInt8], properties: BlobProperties)
    {
        var call = try call("GetBlob", "GET", container: container, blob: name)
        if let range { call.headers.set("x-ms-range", "bytes=\(range.lowerBound)-\(range.upperBound)") }
        let response = try await pipeline.send(call)
        let properties = BlobProperties(headers: response.headers)
        if range == nil, let expected = properties.contentMD5, Array(Insecure.MD5.hash(data: response.body)) != expected
        {
            throw AzureStorageError(
                .integrity, operation: "GetBlob \(container)/\(name)", status: response.status,
                requestID: response.headers["x-ms-request-id"], detail: "the content does not match its Content-MD5")
        }
        return (response.body, properties)
    }

    /// Downloads a blob into a file, streamed to disk: small blobs in one GET, large ones as ranges
    /// fetched in parallel (pinned to the first answer's ETag, so a blob replaced meanwhile fails
    /// rather than tears). The content is checked as `check` says (`ContentCheck`: by default each range
    /// against the CRC64 the service sends, or the blob's MD5, or the SHA-256 a content-addressed name
    /// promises) while it arrives, and only then moved to `path`; a failed download leaves no partial file
    /// behind. With `versionID`, that version (an account keeping versions keeps an overwritten or deleted
    /// blob's earlier states).
    @discardableResult
    package func download(
        container: String, name: String, versionID: String? = nil, to path: String, check: ContentCheck = .transferCRC64
    ) async throws -> BlobDownloadResult {
        let operation = "DownloadBlob \(container)/\(name)"
        let temporary = path + ".ivpart-" + UUID().uuidString.prefix(8)
        let file = try await transport.runBlocking { try LocalFile.create(temporary, operation: operation) }
        do {
            var result: BlobDownloadResult
            do {
                result = try await downloadRanges(
                    container: container, name: name, versionID: versionID, into: file, check: check,
                    operation: operation)
            } catch let error as AzureStorageError
                where check == .transferCRC64 && error.errorCode == AzureStorageError.featureNotSupported
            {
                // A service without range CRC64s (Azurite refuses them in its strict mode): the blob's MD5 instead.
                result = try await downloadRanges(
                    container: container, name: name, versionID: versionID, into: file, check: .contentMD5,
                    operation: operation)
            }
            let sync = options.syncDownloads
            try await transport.runBlocking {
                if sync { try file.sync(operation: operation) }
                guard rename(temporary, path) == 0 else {
                    throw AzureStorageError(
                        .fileSystem, operation: operation,
                        detail: "rename \(temporary) to \(path): \(String(cString: strerror(errno)))")
                }
            }
            return result
        } catch {
            unlink(temporary)
            throw error
        }
    }

    private func downloadRanges(
        container: String, name: String, versionID: String?, into file: LocalFile, check: ContentCheck,
        operation: String
    ) async throws -> BlobDownloadResult {
        let perRange = check == .transferCRC64
        let configured = options.downloadRangeSize
        let rangeSize = Int64(max(1, perRange ? min(configured, Self.maximumChecksummedRange) : configured))
        var first = try call("GetBlob", "GET", container: container, blob: name)
        first.url = first.url.adding("versionid", versionID)
        first.headers.set("x-ms-range", "bytes=0-\(rangeSize - 1)")
        if perRange { first.headers.set("x-ms-range-get-content-crc64", "true") }
        first.sink = .file(descriptor: file.descriptor, offset: 0, digest: check.hash)
        var response: TransportResponse
        do {
            response = try await pipeline.send(first)
        } catch let error as AzureStorageError where error.status == 416 {
            // An empty blob has no byte 0: ask for the whole (empty) thing.
            first.headers.remove("x-ms-range")
            first.headers.remove("x-ms-range-get-content-crc64")
            response = try await pipeline.send(first)
        }
        let properties = BlobProperties(headers: response.headers)
        let total = response.status == 206 ? properties.contentLength : response.bytesWritten
        guard response.status == 200 || response.bytesWritten == min(total, rangeSize) else {
            throw AzureStorageError(
                .invalidResponse, operation: operation, status: response.status,
                detail: "expected \(min(total, rangeSize)) bytes, got \(response.bytesWritten)")
        }
        // A 200 means the whole blob came at once (the service ignored the range).
        let count = response.status == 206 ? Int((total + rangeSize - 1) / rangeSize) : 1
        var digest = response.digest ?? []
        // Per range: whether every range so far came with a CRC64 (each one sent is checked as it lands).
        var rangesChecked = true
        if perRange {
            rangesChecked = try Self.checkRangeCRC64(response, emptyBlob: total == 0, at: 0, operation: operation)
            digest = []
        }
        if count > 1 {
            let remaining = try await fetchRemainingRanges(
                container: container, name: name, versionID: versionID, file: file, total: total,
                rangeSize: rangeSize, etag: properties.etag, hash: check.hash, operation: operation)
            if perRange { rangesChecked = rangesChecked && remaining.allRangesChecked } else { digest = remaining.digest }
        }
        let verified: Bool
        switch check {
        case .transferCRC64:
            verified = rangesChecked
        case .contentMD5:
            if let expected = properties.contentMD5, expected != digest {
                throw AzureStorageError(
                    .integrity, operation: operation, status: response.status,
                    requestID: response.headers["x-ms-request-id"],
                    detail: "the downloaded bytes do not match the blob's Content-MD5 \(Base64.encode(expected))")
            }
            verified = properties.contentMD5 != nil
        case .sha256(let expected):
            let actual = digest.map { String(format: "%02x", $0) }.joined()
            guard actual == expected.lowercased() else {
                throw AzureStorageError(
                    .integrity, operation: operation, status: response.status,
                    requestID: response.headers["x-ms-request-id"],
                    detail: "the downloaded bytes hash to SHA-256 \(actual), expected \(expected)")
            }
            verified = true
        }
        return BlobDownloadResult(
            bytes: total, digest: digest, verified: verified, etag: properties.etag, ranges: max(1, count))
    }

    /// Azure computes a range's CRC64 or MD5 for ranges of at most 4 MiB.
    static let maximumChecksummedRange: Int = 4 << 20

    /// Checks a range against the CRC64 the service sent with it: throws on a mismatch, false when the service
    /// sent none (one that does not compute them: the download is then reported unverified, as a blob without a
    /// Content-MD5 is). An empty blob has nothing to check.
    private static func checkRangeCRC64(
        _ response: TransportResponse, emptyBlob: Bool, at offset: Int64, operation: String
    ) throws -> Bool {
        if emptyBlob { return true }
        guard let sent = response.headers["x-ms-content-crc64"] else { return false }
        let received = response.digest ?? []
        guard Base64.decode(sent) == received else {
            throw AzureStorageError(
                .integrity, operation: operation, status: response.status,
                requestID: response.headers["x-ms-request-id"],
                detail: "the range at \(offset) hashes to CRC64 \(Base64.encode(received)), the service sent \(sent)")
        }
        return true
    }

    /// Ranges 1… in parallel. Checked whole (MD5, SHA-256): the digest of the file is computed in order as ranges
    /// complete, reading back what is already on disk (from the page cache) while later ranges still arrive.
    /// Checked per range (CRC64): each range as it arrives, nothing read back.
    private func fetchRemainingRanges(
        container: String, name: String, versionID: String?, file: LocalFile, total: Int64, rangeSize: Int64,
        etag: String?, hash: ContentCheck.Hash, operation: String
    ) async throws -> (digest: [UInt8], allRangesChecked: Bool) {
        let count = Int((total + rangeSize - 1) / rangeSize)
        let perRange = hash == .crc64
        let hasher =
            perRange ? nil : OrderedHasher(file: file, rangeSize: rangeSize, total: total, hash: hash, operation: operation)
        var completed: Set<Int> = [0]
        var allRangesChecked = true
        let limit = max(1, options.maxConcurrentRanges)
        try await withThrowingTaskGroup(of: (index: Int, checked: Bool).self) { group in
            var next = 1
            var inFlight = 0
            while next < count || inFlight > 0 {
                while next < count, inFlight < limit {
                    let index = next
                    let offset = Int64(index) * rangeSize
                    let length = min(rangeSize, total - offset)
                    var call = try self.call("GetBlob", "GET", container: container, blob: name)
                    call.url = call.url.adding("versionid", versionID)
                    call.headers.set("x-ms-range", "bytes=\(offset)-\(offset + length - 1)")
                    if perRange { call.headers.set("x-ms-range-get-content-crc64", "true") }
                    if let etag { call.headers.set("if-match", etag) }
                    call.sink = .file(descriptor: file.descriptor, offset: offset, digest: perRange ? .crc64 : nil)
                    group.addTask {
                        let response = try await pipeline.send(call)
                        guard response.status == 206, response.bytesWritten == length else {
                            throw AzureStorageError(
                                .invalidResponse, operation: operation, status: response.status,
                                detail:
                                    "range at \(offset): expected 206 with \(length) bytes, got \(response.bytesWritten)"
                            )
                        }
                        guard perRange else { return (index, false) }
                        return (index, try Self.checkRangeCRC64(response, emptyBlob: false, at: offset, operation: operation))
                    }
                    next += 1
                    inFlight += 1
                }
                if let done = try await group.next() {
                    inFlight -= 1
                    allRangesChecked = allRangesChecked && done.checked
                    guard let hasher else { continue }
                    completed.insert(done.index)
                    let ready = completed
                    try await transport.runBlocking { try hasher.advance(through: ready) }
                }
            }
        }
        guard let hasher else { return ([], allRangesChecked) }
        let done = completed
        return (try await transport.runBlocking { try hasher.finish(through: done) }, false)
    }
}

/// Hashes a file's ranges strictly in order as they become complete. Used by one task at a time
/// (the download's parent task, through the transport's threads).
final class OrderedHasher: @unchecked Sendable {
    private let file: LocalFile
    private let rangeSize: Int64
    private let total: Int64
    private let operation: String
    private var hasher: StreamHasher
    private var next = 0

    init(file: LocalFile, rangeSize: Int64, total: Int64, hash: ContentCheck.Hash, operation: String) {
        self.file = file
        self.rangeSize = rangeSize
        self.total = total
        self.operation = operation
        hasher = StreamHasher(hash)
    }

    func advance(through completed: Set<Int>) throws {
        while completed.contains(next) {
            let offset = Int64(next) * rangeSize
            try file.hash(offset: offset, count: min(rangeSize, total - offset), into: &hasher, operation: operation)
            next += 1
        }
    }

    func finish(through completed: Set<Int>) throws -> [UInt8] {
        try advance(through: completed)
        return hasher.finalize()
    }
}
