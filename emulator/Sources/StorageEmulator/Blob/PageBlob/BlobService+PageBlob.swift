import AzureWire
import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// Page blobs: Put Page (update and clear), Get Page Ranges (with `prevsnapshot` diffs), and the resize and
/// sequence number changes of Set Blob Properties. Creation is Put Blob (`createTypedBlob`).
extension BlobService {
    func putPage(_ target: BlobTarget, _ request: StorageRequest) async throws -> Response {
        let write = request.header("x-ms-page-write")?.lowercased()
        guard write == "update" || write == "clear" else {
            guard let write else { throw StorageError.missingHeader("x-ms-page-write") }
            throw StorageError.invalidHeader("x-ms-page-write", write, "Expected update or clear.")
        }
        let range = try Self.pageRange(request)
        let conditions = try BlobConditions(request)
        let sequence = try SequenceNumberConditions(request)
        let declared = request.header("content-length") ?? "0"
        var staged: ChunkStorage.Staged?
        let checksum = try TransactionalChecksum(request)
        if write == "update" {
            guard Int64(declared) == Int64(range.count) else {
                throw StorageError.invalidHeader(
                    "Content-Length", declared, "Put Page's body must be exactly the \(range.count) bytes of its range.")
            }
            try request.refuseDeclaredBody(over: PageStore.maxPutPageSize)
            staged = try await blobs.chunks.receive(
                request.body, limit: PageStore.maxPutPageSize, crc64: checksum.wantsCRC64)
        } else if declared != "0" {
            throw StorageError.invalidHeader("Content-Length", declared, "Clearing pages takes no body.")
        }
        do {
            if let staged {
                guard Int64(staged.length) == Int64(range.count) else {
                    throw StorageError.invalidHeader("Content-Length", String(staged.length), "The body does not fill the range.")
                }
                try checksum.check(staged)
            }
            let record = try await blobs.write { [staged] db, orphans -> BlobRecord in
                var blob = try Self.writablePageBlob(db, target, request: request, conditions: conditions, changesPages: true)
                try sequence.check(blob.sequenceNumber)
                guard range.upperBound <= blob.contentLength else {
                    throw StorageError(
                        .rangeNotSatisfiable, "InvalidPageRange",
                        "The page range specified is invalid: the blob is \(blob.contentLength) bytes long.")
                }
                let chunk = try staged.map { try BlobStore.insertChunk(db, $0) }
                try PageStore.write(db, blobID: blob.id!, range: range, chunk: chunk, orphans: &orphans)
                blob.touch(Date())
                try blob.update(db)
                return blob
            }
            var headers = Self.writeHeaders(record)
            if let staged { checksum.answer(staged, into: &headers) }
            headers[HTTPField.Name("x-ms-blob-sequence-number")!] = String(record.sequenceNumber)
            return Self.emptyResponse(.created, headers: headers)
        } catch {
            if let file = staged?.file { blobs.chunks.remove(files: [file]) }
            throw error
        }
    }

    func getPageRanges(_ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext) async throws -> Response {
        let snapshot = request.query("snapshot") ?? ""
        let previous = request.query("prevsnapshot")
        let found = try await blobs.read { db -> (ContainerRecord?, BlobRecord?, [PageRun], [PageRun]?) in
            let container = try ContainerRecord.find(db, account: target.account, name: target.container)
            let blob = try Self.fetchBlob(db, target, snapshot: snapshot, version: request.query("versionid"))
            let runs = try blob.map { try PageStore.runs(db, blobID: $0.id!) } ?? []
            let old = try previous.flatMap { try Self.fetchBlob(db, target, snapshot: $0) }
            return (container, blob, runs, try old.map { try PageStore.runs(db, blobID: $0.id!) })
        }
        try context.authorize(
            AccessRequirement("r", .object, container: target.container, blob: target.blob), publicRead: found.0?.publicAccess != nil)
        if request.header("x-ms-previous-snapshot-url") != nil {
            // A managed disk's diff names its previous snapshot by URL: recognised, not implemented (a 501, never a
            // full range list that would pass for a diff).
            throw StorageError.unsupportedOperation("getPageRangesDiffForManagedDisk", request.encodedPath)
        }
        guard found.0 != nil else { throw Self.containerNotFound() }
        guard let blob = found.1 else { throw Self.blobNotFound() }
        guard blob.blobType == PageStore.blobType else { throw Self.invalidBlobType(blob) }
        try LeaseAction.checkRead(blob.lease, request: request, now: Date())
        if try BlobConditions(request).evaluate(etag: blob.etag, lastModified: blob.lastModified, isRead: true) != .proceed {
            throw StorageError.conditionNotMet()
        }
        if previous != nil && found.3 == nil {
            throw StorageError(.conflict, "PreviousSnapshotNotFound", "The previous snapshot is not found: \(previous ?? "").")
        }
        var window: Range<Int64> = 0..<blob.contentLength
        if let asked = ByteRange.parse(request) { window = try asked.resolve(length: blob.contentLength) }
        let entries: [(name: String, range: Range<Int64>)]
        if let old = found.3 {
            let diff = PageMap.diff(current: found.2, previous: old, within: window)
            entries = (diff.updated.map { (name: "PageRange", range: $0) } + diff.cleared.map { (name: "ClearRange", range: $0) })
                .sorted { $0.range.lowerBound < $1.range.lowerBound }
        } else {
            entries = PageMap.ranges(found.2, within: window).map { (name: "PageRange", range: $0) }
        }
        let page = try Self.pageOfRanges(entries, request)
        var xml = XMLWriter()
        xml.open("PageList")
        for entry in page.entries {
            xml.open(entry.name)
            xml.element("Start", String(entry.range.lowerBound))
            xml.element("End", String(entry.range.upperBound - 1))
            xml.close(entry.name)
        }
        if let next = page.nextMarker { xml.element("NextMarker", next) }
        xml.close("PageList")
        var headers = Self.writeHeaders(blob)
        headers[HTTPField.Name("x-ms-blob-content-length")!] = String(blob.contentLength)
        headers[HTTPField.Name("x-ms-request-server-encrypted")!] = nil
        return Self.xmlResponse(xml, headers: headers)
    }

    /// Set Blob Properties of a page blob that resizes it (`x-ms-blob-content-length`) or changes its sequence
    /// number (`x-ms-sequence-number-action`). Content headers change only when the request sets one of them.
    func setPageBlobProperties(
        _ target: BlobTarget, _ request: StorageRequest, _ change: PageBlobPropertyChange
    ) async throws -> Response {
        let content = try BlobHeaders.contentHeaders(request, plainFallback: false)
        let setsContent = content != ContentHeaders()
        let conditions = try BlobConditions(request)
        let record = try await blobs.write { db, orphans -> BlobRecord in
            var blob = try Self.writablePageBlob(
                db, target, request: request, conditions: conditions, changesPages: change.length != nil)
            if let length = change.length {
                if length < blob.contentLength { try PageStore.truncate(db, blobID: blob.id!, to: length, orphans: &orphans) }
                blob.contentLength = length
            }
            if let action = change.action { blob.sequenceNumber = action.apply(to: blob.sequenceNumber) }
            if setsContent { blob.contentHeaders = content }
            blob.touch(Date())
            try blob.update(db)
            return blob
        }
        var headers = Self.writeHeaders(record)
        headers[HTTPField.Name("x-ms-blob-sequence-number")!] = String(record.sequenceNumber)
        return Self.emptyResponse(.ok, headers: headers)
    }

    // MARK: helpers

    /// The base page blob a write may change, after the container, conditions and lease allow it. `changesPages`:
    /// the write changes its bytes (Put Page, a resize), which a protected version refuses as neither makes a new
    /// version; a sequence number alone is a property, changed in place as Set Blob Properties does.
    static func writablePageBlob(
        _ db: Database, _ target: BlobTarget, request: StorageRequest, conditions: BlobConditions, changesPages: Bool
    ) throws -> BlobRecord {
        try requireContainer(db, target)
        guard let blob = try fetchBlob(db, target) else { throw blobNotFound() }
        guard blob.blobType == PageStore.blobType else { throw invalidBlobType(blob) }
        try conditions.checkWrite(etag: blob.etag, lastModified: blob.lastModified)
        try LeaseAction.checkWrite(blob.lease, request: request, now: Date())
        if changesPages { try BlobImmutability.checkUnprotected(blob) }
        return blob
    }

    /// Put Page's range (`x-ms-range` or `Range`, `bytes=START-END`): both ends on page boundaries, else 400
    /// `InvalidHeaderValue` naming the header, as Azure answers a misaligned range.
    static func pageRange(_ request: StorageRequest) throws -> Range<Int64> {
        let name = request.header("x-ms-range") != nil ? "x-ms-range" : "Range"
        guard let text = request.header(name) else { throw StorageError.missingHeader("x-ms-range") }
        // The end is bounded before `end + 1`: `bytes=0-9223372036854775807` must be refused, not overflow.
        guard let range = ByteRange.parse(request), let end = range.end, end < PageStore.maxBlobLength,
            range.start % PageMap.pageSize == 0, (end + 1) % PageMap.pageSize == 0
        else {
            throw StorageError.invalidHeader(name, text, "A page range starts and ends on 512-byte page boundaries.")
        }
        return range.start..<end + 1
    }

    /// A page blob's size from `header`: a multiple of 512 up to 8 TiB.
    static func pageBlobLength(_ request: StorageRequest, header: String, required: Bool) throws -> Int64? {
        guard let text = request.header(header) else {
            if required { throw StorageError.missingHeader(header) }
            return nil
        }
        guard let length = Int64(text), length >= 0, length % PageMap.pageSize == 0, length <= PageStore.maxBlobLength else {
            throw StorageError.invalidHeader(header, text, "A page blob's size is a multiple of 512 bytes, at most 8 TiB.")
        }
        return length
    }

    /// `x-ms-blob-sequence-number`: 0 to 2^63 - 1.
    static func sequenceNumber(_ request: StorageRequest) throws -> Int64? {
        guard let text = request.header("x-ms-blob-sequence-number") else { return nil }
        guard let value = Int64(text), value >= 0 else {
            throw StorageError.invalidHeader("x-ms-blob-sequence-number", text, "Expected 0 to 9223372036854775807.")
        }
        return value
    }

    /// One page of Get Page Ranges' entries: `maxresults` of them from `marker` (the start of the first one),
    /// with the marker of the rest.
    static func pageOfRanges(
        _ entries: [(name: String, range: Range<Int64>)], _ request: StorageRequest
    ) throws -> (entries: ArraySlice<(name: String, range: Range<Int64>)>, nextMarker: String?) {
        var from = entries[...]
        if let marker = request.query("marker"), !marker.isEmpty {
            guard let start = Int64(marker) else { throw StorageError.invalidQueryParameter("marker", marker) }
            from = from.drop { $0.range.lowerBound < start }
        }
        guard let text = request.query("maxresults") else { return (from, nil) }
        guard let limit = Int(text), limit > 0 else { throw StorageError.invalidQueryParameter("maxresults", text) }
        guard from.count > limit else { return (from, "") }
        return (from.prefix(limit), String(from[from.startIndex + limit].range.lowerBound))
    }
}

/// The resize and sequence number change a Set Blob Properties request asks of a page blob.
struct PageBlobPropertyChange: Sendable {
    enum Action: Sendable {
        case max(Int64), update(Int64), increment

        func apply(to current: Int64) -> Int64 {
            switch self {
            case .max(let value): Swift.max(current, value)
            case .update(let value): value
            case .increment: current == Int64.max ? current : current + 1
            }
        }
    }

    var length: Int64?
    var action: Action?

    /// Nil when the request asks neither (an ordinary Set Blob Properties).
    init?(_ request: StorageRequest) throws {
        length = try BlobService.pageBlobLength(request, header: "x-ms-blob-content-length", required: false)
        let number = try BlobService.sequenceNumber(request)
        if let text = request.header("x-ms-sequence-number-action") {
            switch text.lowercased() {
            case "max", "update":
                guard let number else { throw StorageError.missingHeader("x-ms-blob-sequence-number") }
                action = text.lowercased() == "max" ? .max(number) : .update(number)
            case "increment":
                // "The x-ms-blob-sequence-number header must not be included with increment" (Set Blob Properties).
                if number != nil {
                    throw StorageError.invalidHeader(
                        "x-ms-blob-sequence-number", String(number!), "Not allowed with x-ms-sequence-number-action: increment.")
                }
                action = .increment
            default:
                throw StorageError.invalidHeader("x-ms-sequence-number-action", text, "Expected max, update or increment.")
            }
        }
        if length == nil && action == nil { return nil }
    }
}

/// Put Page's `x-ms-if-sequence-number-le`, `-lt` and `-eq`: 412 `SequenceNumberConditionNotMet` when the blob's
/// sequence number fails one.
struct SequenceNumberConditions: Sendable {
    var lessOrEqual: Int64?
    var less: Int64?
    var equal: Int64?

    init(_ request: StorageRequest) throws {
        func value(_ name: String) throws -> Int64? {
            guard let text = request.header(name) else { return nil }
            guard let value = Int64(text), value >= 0 else { throw StorageError.invalidHeader(name, text, "Expected a sequence number.") }
            return value
        }
        lessOrEqual = try value("x-ms-if-sequence-number-le")
        less = try value("x-ms-if-sequence-number-lt")
        equal = try value("x-ms-if-sequence-number-eq")
    }

    func check(_ sequenceNumber: Int64) throws {
        let met = (lessOrEqual.map { sequenceNumber <= $0 } ?? true) && (less.map { sequenceNumber < $0 } ?? true)
            && (equal.map { sequenceNumber == $0 } ?? true)
        guard met else {
            throw StorageError(
                .preconditionFailed, "SequenceNumberConditionNotMet",
                "The condition specified using HTTP conditional header(s) is not met: the sequence number is \(sequenceNumber).")
        }
    }
}
