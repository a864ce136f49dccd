import CMagickWand
import Foundation
import Synchronization

/// Process-wide ImageMagick state: `MagickWandGenesis()` exactly once, and the resource limits, which
/// ImageMagick keeps globally. Every wand is created after `start` has run.
enum MagickRuntime {
    private static let genesis: Void = {
        MagickWandGenesis()
        // One worker per core does the parallelism; ImageMagick's OpenMP threads only add contention.
        _ = MagickSetResourceLimit(ThreadResource, 1)
    }()

    private static let limitsApplied = Mutex(false)

    /// Starts ImageMagick if needed (idempotent, thread-safe).
    static func ensureStarted() {
        _ = genesis
    }

    /// Starts ImageMagick and, the first time only, sets its process-wide resource limits from
    /// `limits` (policy.xml may only lower them). ImageMagick keeps one set per process, so later
    /// converters with other limits rely on the per-converter checks (declared size before decoding,
    /// the per-image deadline) rather than changing what running conversions see.
    static func start(limits: ResourceLimits) {
        _ = genesis
        let first = limitsApplied.withLock { applied in
            defer { applied = true }
            return !applied
        }
        guard first else { return }
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
