import Catalog
import Foundation

/// What applying one rename or move did.
package struct MoveSummary: Sendable, Equatable {
    /// Files that took their new path without being read.
    package var moved: Int
    /// Absolute paths still to refresh (files that did not match, or the whole move when it could not
    /// be applied): the caller hands them to `refresh`.
    package var leftovers: [String]

    /// Makes a summary.
    package init(moved: Int, leftovers: [String]) {
        self.moved = moved
        self.leftovers = leftovers
    }
}

extension LibraryScanner {
    /// Applies a rename or move the watcher paired inside the library at `root` (absolute `from` and
    /// `to`, a file or a folder) to the catalog without reading any file; what does not match is
    /// returned for `refresh`. A move the catalog cannot apply as such (an end outside the library,
    /// the root itself, a destination a scan would skip) comes back whole, to be refreshed as before.
    package func move(root: String, from: String, to: String) throws -> MoveSummary {
        let absoluteRoot = try Self.resolve(root)
        guard let source = Self.relative(from, under: absoluteRoot, original: root),
            let destination = Self.relative(to, under: absoluteRoot, original: root),
            !source.isEmpty, !destination.isEmpty, !skips(destination)
        else { return MoveSummary(moved: 0, leftovers: [from, to]) }
        let library = try catalog.library(root: absoluteRoot)
        let outcome = try catalog.move(library: library, from: source, to: destination)
        return MoveSummary(moved: outcome.moved, leftovers: outcome.leftovers.map { absoluteRoot + "/" + $0 })
    }

    /// Whether a scan would leave `relative` out (a hidden component, an ignored name): such a
    /// destination is the refresh's to judge, as it is for any other path.
    private func skips(_ relative: String) -> Bool {
        let parts = relative.split(separator: "/").map(String.init)
        if !configuration.includeHidden, parts.contains(where: { $0.hasPrefix(".") }) { return true }
        return parts.contains { part in configuration.ignoredNames.contains { fnmatch($0, part, 0) == 0 } }
    }
}
