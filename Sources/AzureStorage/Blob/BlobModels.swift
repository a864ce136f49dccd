import Foundation

/// Azure's access tiers: cheaper storage for colder data (masters rarely read go to Cool or Archive).
public enum AccessTier: String, Sendable, CaseIterable {
    case hot = "Hot"
    case cool = "Cool"
    case cold = "Cold"
    case archive = "Archive"
}

/// What to store with an uploaded blob.
public struct BlobUploadOptions: Sendable {
    public var contentType: String?
    /// `x-ms-meta-*`: names are C# identifiers, values printable ASCII (checked before sending).
    public var metadata: [String: String] = [:]
    public var tier: AccessTier?
    /// `If-None-Match: *`: never overwrite. A blob already there with the same MD5 counts as success,
    /// which makes a retried or repeated upload of content-addressed data idempotent.
    public var ifNotExists = false
    /// The MD5 of the whole content when the caller already has it (ironviper hashes at ingest);
    /// computed while reading otherwise.
    public var contentMD5: [UInt8]?
    public var cacheControl: String?
    public var contentDisposition: String?
    /// Called after each block is staged or found already staged, with (done, total) block counts.
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init() {}
}

/// How an upload ended.
public struct BlobUploadResult: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// The blob was written by this call.
        case uploaded
        /// `ifNotExists` was set and the blob was already there with the same MD5.
        case alreadyExists
    }

    public var outcome: Outcome
    public var etag: String?
    /// MD5 of the content, as stored in the blob's Content-MD5.
    public var contentMD5: [UInt8]
    /// Blocks sent by this call (0 for a single Put Blob).
    public var blocksUploaded = 0
    /// Blocks found already staged by an earlier, interrupted attempt and not sent again.
    public var blocksReused = 0
}

/// The properties Get Blob Properties and List Blobs report.
public struct BlobProperties: Sendable {
    public var contentLength: Int64
    public var contentType: String?
    /// The MD5 Azure holds for the whole blob, when it has one.
    public var contentMD5: [UInt8]?
    public var etag: String?
    public var lastModified: Date?
    public var metadata: [String: String] = [:]
    public var accessTier: AccessTier?
    public var blobType: String?
    public var copyID: String?
    /// `pending`, `success`, `aborted` or `failed` for the last copy into this blob.
    public var copyStatus: String?
}

/// One entry of a listing.
public struct BlobItem: Sendable {
    public var name: String
    public var properties: BlobProperties
}

/// One page of List Blobs; pass `nextMarker` back to get the next one.
public struct BlobListPage: Sendable {
    public var blobs: [BlobItem]
    /// Virtual folders, when listing with a delimiter.
    public var prefixes: [String]
    public var nextMarker: String?
}

/// The blocks of a block blob, committed and staged.
public struct BlockListing: Sendable {
    public struct Block: Sendable, Equatable {
        /// The block id as Azure returns it (base64).
        public var id: String
        public var size: Int64
    }

    public var committed: [Block]
    public var uncommitted: [Block]
}

/// What Copy Blob answered.
public struct BlobCopyResult: Sendable {
    public var copyID: String?
    /// `success` when the service copied synchronously, `pending` otherwise.
    public var status: String?
    public var etag: String?
}

/// The result of a download to a file.
public struct BlobDownloadResult: Sendable {
    public var bytes: Int64
    /// MD5 of what was written.
    public var md5: [UInt8]
    /// True when Azure held an MD5 for the blob and it matched (a mismatch throws instead).
    public var verified: Bool
    public var etag: String?
    /// Ranges fetched (1 for a small blob).
    public var ranges: Int
}
