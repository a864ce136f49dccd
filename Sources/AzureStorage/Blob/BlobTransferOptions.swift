/// How large blobs are cut up and how much runs in parallel.
public struct BlobTransferOptions: Sendable {
    /// Files up to this size are sent in one Put Blob; larger ones in blocks.
    public var singleUploadLimit = 32 << 20
    /// Size of one block (Azure allows up to 50,000 per blob; larger files get larger blocks).
    public var blockSize = 8 << 20
    /// Blocks in flight at once for one upload.
    public var maxConcurrentBlocks = 8
    /// Size of one ranged GET when downloading.
    public var downloadRangeSize = 8 << 20
    /// Ranges in flight at once for one download.
    public var maxConcurrentRanges = 8
    /// `fsync` a downloaded file before moving it into place (restores that must survive a power cut).
    public var syncDownloads = false

    public init() {}
}
