import Foundation

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
