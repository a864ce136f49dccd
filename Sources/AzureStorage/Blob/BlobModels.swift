import Foundation

/// Azure's access tiers: cheaper storage for colder data (masters rarely read go to Cool or Archive).
package enum AccessTier: String, Sendable, CaseIterable {
    case hot = "Hot"
    case cool = "Cool"
    case cold = "Cold"
    case archive = "Archive"
}

/// What to store with an uploaded blob.
package struct BlobUploadOptions: Sendable {
    package var contentType: String?
    /// `x-ms-meta-*`: names are C# identifiers, values printable ASCII (checked before sending).
    package var metadata: [String: String] = [:]
    package var tier: AccessTier?
    /// `If-None-Match: *`: never overwrite. A blob already there with the same MD5 counts as success,
    /// which makes a retried or repeated upload of content-addressed data idempotent.
    package var ifNotExists = false
    /// The MD5 of the whole content when the caller already has it (ironviper hashes at ingest);
    /// computed while reading otherwise.
    package var contentMD5: [UInt8]?
    package var cacheControl: String?
    package var contentDisposition: String?
    /// A version-level immutability policy for the version this upload writes (on Put Blob, or on the Put
    /// Block List that commits a block upload).
    package var immutabilityPolicy: ImmutabilityPolicy?
    /// Called after each block is staged or found already staged, with (done, total) block counts.
    package var progress: (@Sendable (Int, Int) -> Void)?

    package init() {}
}

/// How an upload ended.
package struct BlobUploadResult: Sendable {
    package enum Outcome: Sendable, Equatable {
        /// The blob was written by this call.
        case uploaded
        /// `ifNotExists` was set and the blob was already there with the same MD5.
        case alreadyExists
    }

    package var outcome: Outcome
    package var etag: String?
    /// `x-ms-version-id` of the version written (or found), when the account keeps versions.
    package var versionID: String?
    /// MD5 of the content, as stored in the blob's Content-MD5.
    package var contentMD5: [UInt8]
    /// Blocks sent by this call (0 for a single Put Blob).
    package var blocksUploaded = 0
    /// Blocks found already staged by an earlier, interrupted attempt and not sent again.
    package var blocksReused = 0
}

/// The properties Get Blob Properties and List Blobs report.
package struct BlobProperties: Sendable {
    package var contentLength: Int64
    package var contentType: String?
    /// The MD5 Azure holds for the whole blob, when it has one.
    package var contentMD5: [UInt8]?
    package var etag: String?
    package var lastModified: Date?
    package var metadata: [String: String] = [:]
    package var accessTier: AccessTier?
    package var blobType: String?
    package var copyID: String?
    /// `pending`, `success`, `aborted` or `failed` for the last copy into this blob.
    package var copyStatus: String?
    /// The version these properties are of, when the account keeps versions.
    package var versionID: String?
    /// The version's immutability policy (listings report it with `include=immutabilitypolicy`).
    package var immutabilityPolicy: ImmutabilityPolicy?
}

/// One entry of a listing.
package struct BlobItem: Sendable {
    package var name: String
    package var properties: BlobProperties
}

/// One page of List Blobs; pass `nextMarker` back to get the next one.
package struct BlobListPage: Sendable {
    package var blobs: [BlobItem]
    /// Virtual folders, when listing with a delimiter.
    package var prefixes: [String]
    package var nextMarker: String?
}

/// The blocks of a block blob, committed and staged.
package struct BlockListing: Sendable {
    package struct Block: Sendable, Equatable {
        /// The block id as Azure returns it (base64).
        package var id: String
        package var size: Int64
    }

    package var committed: [Block]
    package var uncommitted: [Block]
}

/// What Copy Blob answered.
package struct BlobCopyResult: Sendable {
    package var copyID: String?
    /// `success` when the service copied synchronously, `pending` otherwise.
    package var status: String?
    package var etag: String?
}

/// The result of a download to a file.
package struct BlobDownloadResult: Sendable {
    package var bytes: Int64
    /// The digest of what was written: its MD5, or its SHA-256 when the download was checked by one; empty for a
    /// download checked range by range (`transferCRC64`), which has no digest of the whole.
    package var digest: [UInt8]
    /// True when the bytes were checked (Azure held an MD5 for the blob, a SHA-256 was given, or the service sent a
    /// CRC64 with every range) and matched (a mismatch throws instead).
    package var verified: Bool
    package var etag: String?
    /// Ranges fetched (1 for a small blob).
    package var ranges: Int
}
