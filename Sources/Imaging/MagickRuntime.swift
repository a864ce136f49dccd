import CMagickWand

/// Process-wide ImageMagick state: `MagickWandGenesis()` exactly once, and the resource limits, which
/// ImageMagick keeps globally. Every wand is created after `start` has run.
enum MagickRuntime {
    private static let genesis: Void = {
        MagickWandGenesis()
        // One worker per core does the parallelism; ImageMagick's OpenMP threads only add contention.
        _ = MagickSetResourceLimit(ThreadResource, 1)
    }()

    /// Starts ImageMagick if needed and applies `limits` (idempotent; the last caller's limits win,
    /// and ImageMagick's policy.xml may only lower them).
    static func start(limits: ResourceLimits) {
        _ = genesis
        _ = MagickSetResourceLimit(WidthResource, MagickSizeType(limits.maxWidth))
        _ = MagickSetResourceLimit(HeightResource, MagickSizeType(limits.maxHeight))
        _ = MagickSetResourceLimit(AreaResource, MagickSizeType(limits.maxArea))
        _ = MagickSetResourceLimit(MemoryResource, MagickSizeType(limits.memoryBytes))
        _ = MagickSetResourceLimit(MapResource, MagickSizeType(limits.mapBytes))
        _ = MagickSetResourceLimit(DiskResource, MagickSizeType(limits.diskBytes))
        _ = MagickSetResourceLimit(ListLengthResource, MagickSizeType(limits.maxFrames))
    }

    /// The version string of the linked ImageMagick, for logs and `--version`.
    static var version: String {
        _ = genesis
        var number: Int = 0
        guard let text = MagickGetVersion(&number) else { return "unknown" }
        return String(cString: text)
    }
}
