import Foundation

/// One file a restore could not put in place, and why.
package struct RestoreFailure: Sendable, Equatable, Codable {
    /// Library and relative path.
    package var library: String
    package var path: String
    /// The error, naming what was expected and what came.
    package var message: String
}

/// What a restore did.
package struct RestoreReport: Sendable, Equatable, Codable {
    /// Files selected by the plan.
    package var selected = 0
    /// Files written by this run (downloaded or copied from a restored duplicate).
    package var restored = 0
    /// Files already in place with the right size and hash (a resumed run).
    package var alreadyPresent = 0
    /// Masters downloaded, and their bytes (a content shared by several paths counts once).
    package var downloads = 0
    package var bytesDownloaded: Int64 = 0
    /// Files copied locally from another path with the same content instead of downloaded again.
    package var localCopies = 0
    /// Leftover temporaries of an interrupted run that were removed.
    package var temporariesRemoved = 0
    /// Files not restored.
    package var failures: [RestoreFailure] = []
    /// Seconds the restore took.
    package var seconds = 0.0

    /// Makes an empty report.
    package init() {}
}
