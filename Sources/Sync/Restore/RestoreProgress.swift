import Foundation

/// Where a restore stands, sent after every file so the CLI can draw files, bytes, rate and ETA.
public struct RestoreProgress: Sendable, Equatable {
    /// Files selected and finished so far (restored, already in place, or failed).
    public var filesTotal: Int
    public var filesDone: Int
    /// Their bytes, selected and finished.
    public var bytesTotal: Int64
    public var bytesDone: Int64
    /// Files that could not be restored.
    public var failed: Int
    /// Seconds since the restore started.
    public var elapsed: Double
    /// The file just finished.
    public var lastPath: String

    /// Bytes per second so far.
    public var rate: Double { elapsed > 0 ? Double(bytesDone) / elapsed : 0 }

    /// Seconds left at the rate so far (infinite before the first byte).
    public var remaining: Double {
        rate > 0 ? Double(bytesTotal - bytesDone) / rate : (bytesDone >= bytesTotal ? 0 : .infinity)
    }
}

/// One file a restore could not put in place, and why.
public struct RestoreFailure: Sendable, Equatable, Codable {
    /// Library and relative path.
    public var library: String
    public var path: String
    /// The error, naming what was expected and what came.
    public var message: String
}

/// What a restore did.
public struct RestoreReport: Sendable, Equatable, Codable {
    /// Files selected by the plan.
    public var selected = 0
    /// Files written by this run (downloaded or copied from a restored duplicate).
    public var restored = 0
    /// Files already in place with the right size and hash (a resumed run).
    public var alreadyPresent = 0
    /// Masters downloaded, and their bytes (a content shared by several paths counts once).
    public var downloads = 0
    public var bytesDownloaded: Int64 = 0
    /// Files copied locally from another path with the same content instead of downloaded again.
    public var localCopies = 0
    /// Leftover temporaries of an interrupted run that were removed.
    public var temporariesRemoved = 0
    /// Files not restored.
    public var failures: [RestoreFailure] = []
    /// Seconds the restore took.
    public var seconds = 0.0

    /// Makes an empty report.
    public init() {}
}
