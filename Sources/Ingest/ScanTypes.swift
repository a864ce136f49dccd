import Catalog
import Foundation
import Imaging

/// How a scan runs.
package struct ScanConfiguration: Sendable {
    /// Parallel workers; one per core, since each conversion is single-threaded CPU work.
    package var workers: Int = max(1, System.coreCount)
    /// How images are converted.
    package var imaging = ImagingConfiguration()
    /// Files larger than this are hashed but not decoded (a 2 GB TIFF is backed up, not previewed).
    package var maxDecodeBytes: Int = 512 << 20
    /// Whether dot-files and dot-folders are cataloged.
    package var includeHidden = false
    /// File names (fnmatch globs) never cataloged: partial downloads and editors' temporaries. The
    /// daemon passes its watcher's list, so a reconcile scan skips what the watcher skips.
    package var ignoredNames: [String] = []
    /// New image content is hashed, cataloged and queued for `ironviper worker` (an extract message)
    /// instead of decoded here: `[previews] where = "cloud"`, for a machine too weak to convert.
    package var previewsInCloud = false

    /// The defaults.
    package init() {}
}

/// Where a job counted in files and bytes stands (a scan, a restore), reported after every file.
package struct JobProgress: Sendable, Equatable {
    /// Files to do (a scan: changed or new; a restore: selected) and done so far.
    package var filesTotal: Int
    package var filesDone: Int
    /// Their bytes, total and done.
    package var bytesTotal: Int64
    package var bytesDone: Int64
    /// Files that failed (an ingest that recorded an error, a file not restored).
    package var failed: Int
    /// Seconds since the job started.
    package var elapsed: Double
    /// The file just finished.
    package var lastPath: String

    /// Makes a progress report.
    package init(
        filesTotal: Int, filesDone: Int, bytesTotal: Int64, bytesDone: Int64, failed: Int, elapsed: Double,
        lastPath: String
    ) {
        (self.filesTotal, self.filesDone, self.bytesTotal, self.bytesDone) = (filesTotal, filesDone, bytesTotal, bytesDone)
        (self.failed, self.elapsed, self.lastPath) = (failed, elapsed, lastPath)
    }

    /// Bytes per second so far.
    package var rate: Double { elapsed > 0 ? Double(bytesDone) / elapsed : 0 }

    /// Seconds left at the rate so far (infinite before the first byte).
    package var remaining: Double {
        rate > 0 ? Double(bytesTotal - bytesDone) / rate : (bytesDone >= bytesTotal ? 0 : .infinity)
    }
}

/// What a scan did.
package struct ScanSummary: Sendable, Codable {
    /// Files found on disk.
    package var filesSeen = 0
    /// Unchanged since the last scan (size, mtime and inode equal), not read.
    package var unchanged = 0
    /// Read and hashed.
    package var ingested = 0
    /// New contents analysed.
    package var newAssets = 0
    /// Files whose content was already known (duplicates, renames).
    package var knownContent = 0
    /// Files gone since the last scan.
    package var missing = 0
    /// Bytes read.
    package var bytes: Int64 = 0
    /// Wall-clock seconds.
    package var seconds: Double = 0
    /// What failed and why.
    package var failures: [ScanFailure] = []
}

/// Facts about the machine.
package enum System {
    /// Cores available to this process (Foundation honours the CPU affinity mask).
    package static var coreCount: Int { ProcessInfo.processInfo.activeProcessorCount }
}
