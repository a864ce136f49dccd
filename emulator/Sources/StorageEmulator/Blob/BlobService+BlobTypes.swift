import AzureWire
import Foundation
import GRDB
import HTTPTypes
import Hummingbird

/// What block, append and page blobs share and where they part: creating an empty append or page blob with Put
/// Blob, the operations of one type refused on another, and the type's own properties in answers.
extension BlobService {
    static let blockBlobType = "BlockBlob"

    /// The append and page blob operations, dispatched from `respond`.
    func respondToTypedBlob(
        _ operation: BlobOperation, _ target: BlobTarget, _ request: StorageRequest, _ context: OperationContext
    ) async throws -> Response {
        // Get Page Ranges is a read a public container opens: it authorizes once it knows the container.
        if operation != .getPageRanges {
            try context.authorize(operation.route.access, container: target.container, blob: target.blob)
        }
        if request.header("x-ms-copy-source") != nil {
            // Append Block From URL and Put Page From URL: recognised, not implemented.
            throw StorageError.unsupportedOperation(operation.rawValue + "FromURL", request.encodedPath)
        }
        switch operation {
        case .appendBlock: return try await appendBlock(target, request)
        case .sealBlob: return try await sealBlob(target, request)
        case .putPage: return try await putPage(target, request)
        case .getPageRanges: return try await getPageRanges(target, request, context)
        default: throw StorageError.internalError("\(operation) is not an append or page blob operation")
        }
    }

    /// Put Blob of an `AppendBlob` or `PageBlob`: an empty blob of that type (a page blob of its declared size, all
    /// zeros), replacing whatever blob had the name, under the same conditions and lease as any overwrite.
    func createTypedBlob(
        _ blobType: String, _ target: BlobTarget, _ request: StorageRequest, createOnly: Bool
    ) async throws -> Response {
        try Self.validateBlobName(target.blob)
        if let length = request.header("content-length"), length != "0" {
            throw StorageError.invalidHeader("Content-Length", length, "Put Blob of an \(blobType) takes no body.")
        }
        if request.header("x-ms-access-tier") != nil {
            // Tiers are for block blobs; page blob tiers (P4…P80) exist only on premium accounts, which this is not.
            throw StorageError(
                .badRequest, "AccessTierNotSupportedForBlobType", "The access tier is not supported for this blob type.")
        }
        var length: Int64 = 0
        var sequenceNumber: Int64 = 0
        if blobType == PageStore.blobType {
            length = try Self.pageBlobLength(request, header: "x-ms-blob-content-length", required: true)!
            sequenceNumber = try Self.sequenceNumber(request) ?? 0
        }
        let content = try BlobHeaders.contentHeaders(request, plainFallback: true)
        let metadata = MetadataCoding.encode(try BlobHeaders.metadata(request))
        let conditions = try BlobConditions(request)
        let features = blobFeatures(target)
        let record = try await blobs.write { [length, sequenceNumber] db, orphans -> BlobRecord in
            var blob = try Self.prepareOverwrite(
                db, target, request: request, conditions: conditions, createOnly: createOnly, features: features)
            blob.become(blobType, sequenceNumber: sequenceNumber)
            blob.contentHeaders = content
            blob.metadata = metadata
            blob.contentLength = length
            blob.tier = nil
            blob.tierChanged = nil
            blob.clearCopy()
            try blob.save(db)
            try BlobStore.setBlocks(db, blobID: blob.id!, blocks: [], orphans: &orphans)
            try BlobStore.dropStagedBlocks(db, account: target.account, container: target.container, blob: target.blob, orphans: &orphans)
            return blob
        }
        return Self.emptyResponse(.created, headers: Self.writeHeaders(record))
    }

    /// Refuses a block blob operation (Put Block, Put Block List, Get Block List, Set Blob Tier) on an append or
    /// page blob: 409 `InvalidBlobType`, as Azure and Azurite answer.
    static func requireBlockBlob(_ blob: BlobRecord?) throws {
        guard let blob, blob.blobType != blockBlobType else { return }
        throw invalidBlobType(blob)
    }

    static func invalidBlobType(_ blob: BlobRecord) -> StorageError {
        StorageError(.conflict, "InvalidBlobType", "The blob type is invalid for this operation: the blob is a \(blob.blobType).")
    }

    /// The properties only append and page blobs have, for Get Blob and Get Blob Properties.
    static func writeTypeProperties(_ blob: BlobRecord, committedBlocks: Int?, to headers: inout HTTPFields) {
        if blob.blobType == PageStore.blobType {
            headers[HTTPField.Name("x-ms-blob-sequence-number")!] = String(blob.sequenceNumber)
        }
        if blob.blobType == AppendBlobs.blobType {
            if let committedBlocks { headers[HTTPField.Name("x-ms-blob-committed-block-count")!] = String(committedBlocks) }
            headers[HTTPField.Name("x-ms-blob-sealed")!] = blob.sealed ? "true" : "false"
        }
    }

    /// The same properties in a List Blobs entry.
    static func writeTypeProperties(_ blob: BlobRecord, to xml: inout XMLWriter) {
        if blob.blobType == PageStore.blobType { xml.element("x-ms-blob-sequence-number", String(blob.sequenceNumber)) }
        if blob.blobType == AppendBlobs.blobType { xml.element("Sealed", blob.sealed ? "true" : "false") }
    }

    /// A copy takes its source's type and pages; an existing destination of another type is 409 `InvalidBlobType`
    /// (Copy Blob: "the destination blob must be of the same type as the source"). The copy is not sealed unless
    /// the request says `x-ms-seal-blob: true`.
    static func adoptType(of source: BlobRecord, into blob: inout BlobRecord, request: StorageRequest) throws {
        if blob.id != nil && blob.blobType != source.blobType { throw invalidBlobType(blob) }
        blob.become(source.blobType, sequenceNumber: source.sequenceNumber)
        blob.sealed = source.blobType == AppendBlobs.blobType && request.header("x-ms-seal-blob")?.lowercased() == "true"
    }
}

extension BlobRecord {
    /// Makes the row a fresh blob of `type`: a new sequence number, not sealed.
    mutating func become(_ type: String, sequenceNumber: Int64 = 0) {
        blobType = type
        self.sequenceNumber = sequenceNumber
        sealed = false
    }
}
