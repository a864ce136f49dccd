/// How large blobs are cut up and how much runs in parallel.
package struct BlobTransferOptions: Sendable {
    /// Files up to this size are sent in one Put Blob; larger ones in blocks.
    package var singleUploadLimit = 32 << 20
    /// Size of one block (Azure allows up to 50,000 per blob; larger files get larger blocks).
    package var blockSize = 8 << 20
    /// Blocks in flight at once for one upload.
    package var maxConcurrentBlocks = 8
    /// Size of one ranged GET when downloading: blobs up to this size come in one GET, hashed as
    /// they stream; larger ones in ranges of this size, in parallel. 32 MiB (the Python SDK's
    /// single-GET size) measured twice as fast as 8 MiB to the emulator: fewer requests, and most
    /// photos need no read-back of the file to hash it.
    package var downloadRangeSize = 32 << 20
    /// Ranges in flight at once for one download.
    package var maxConcurrentRanges = 8
    /// `fsync` a downloaded file before moving it into place (restores that must survive a power cut).
    package var syncDownloads = false

    package init() {}
}
