import Foundation
import Imaging

/// How a scan runs.
public struct ScanConfiguration: Sendable {
    /// Parallel workers; one per core, since each conversion is single-threaded CPU work.
    public var workers: Int = max(1, System.coreCount)
    /// How images are converted.
    public var imaging = ImagingConfiguration()
    /// Files larger than this are hashed but not decoded (a 2 GB TIFF is backed up, not previewed).
    public var maxDecodeBytes: Int = 512 << 20
    /// Whether dot-files and dot-folders are cataloged.
    public var includeHidden = false
    /// File names (fnmatch globs) never cataloged: partial downloads and editors' temporaries. The
    /// daemon passes its watcher's list, so a reconcile scan skips what the watcher skips.
    public var ignoredNames: [String] = []

    /// The defaults.
    public init() {}
}

/// Where a job counted in files and bytes stands (a scan, a restore), reported after every file.
public struct JobProgress: Sendable, Equatable {
    /// Files to do (a scan: changed or new; a restore: selected) and done so far.
    public var filesTotal: Int
    public var filesDone: Int
    /// Their bytes, total and done.
    public var bytesTotal: Int64
    public var bytesDone: Int64
    /// Files that failed (an ingest that recorded an error, a file not restored).
    public var failed: Int
    /// Seconds since the job started.
    public var elapsed: Double
    /// The file just finished.
    public var lastPath: String

    /// Makes a progress report.
    public init(
        filesTotal: Int, filesDone: Int, bytesTotal: Int64, bytesDone: Int64, failed: Int, elapsed: Double,
        lastPath: String
    ) {
        (self.filesTotal, self.filesDone, self.bytesTotal, self.bytesDone) = (filesTotal, filesDone, bytesTotal, bytesDone)
        (self.failed, self.elapsed, self.lastPath) = (failed, elapsed, lastPath)
    }

    /// Bytes per second so far.
    public var rate: Double { elapsed > 0 ? Double(bytesDone) / elapsed : 0 }

    /// Seconds left at the rate so far (infinite before the first byte).
    public var remaining: Double {
        rate > 0 ? Double(bytesTotal - bytesDone) / rate : (bytesDone >= bytesTotal ? 0 : .infinity)
    }
}

/// A failure reported by a scan.
public struct ScanFailure: Sendable, Codable, Equatable {
    /// Absolute path.
    public var path: String
    /// Error code (`unreadableInput`, `resourceLimit`, `damaged`…).
    public var code: String
    /// The message with the library's own text.
    public var message: String
}

/// What a scan did.
public struct ScanSummary: Sendable, Codable {
    /// Files found on disk.
    public var filesSeen = 0
    /// Unchanged since the last scan (size, mtime and inode equal), not read.
    public var unchanged = 0
    /// Read and hashed.
    public var ingested = 0
    /// New contents analysed.
    public var newAssets = 0
    /// Files whose content was already known (duplicates, renames).
    public var knownContent = 0
    /// Files gone since the last scan.
    public var missing = 0
    /// Bytes read.
    public var bytes: Int64 = 0
    /// Wall-clock seconds.
    public var seconds: Double = 0
    /// What failed and why.
    public var failures: [ScanFailure] = []
}

/// Facts about the machine.
public enum System {
    /// Cores available to this process (Foundation honours the CPU affinity mask).
    public static var coreCount: Int { ProcessInfo.processInfo.activeProcessorCount }
}
