import Foundation

/// Where the catalog and the previews live, following XDG: `$XDG_DATA_HOME/ironviper`
/// (`~/.local/share/ironviper`) for a user, `/var/lib/ironviper` for the system service, or a
/// folder given explicitly (`--data-dir`, `IRONVIPER_DATA_DIR`).
package struct DataLocation: Sendable, Equatable {
    /// The data folder.
    package var directory: String

    /// Uses `directory` as is.
    package init(directory: String) {
        self.directory = directory
    }

    /// Resolves the folder: an explicit override first, then `IRONVIPER_DATA_DIR`, then the system
    /// folder when `system` is set, then XDG.
    package static func resolve(
        override: String? = nil, system: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> DataLocation {
        if let override, !override.isEmpty { return DataLocation(directory: override) }
        if let fromEnvironment = environment["IRONVIPER_DATA_DIR"], !fromEnvironment.isEmpty {
            return DataLocation(directory: fromEnvironment)
        }
        if system { return DataLocation(directory: "/var/lib/ironviper") }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {  // the spec ignores relative values
            return DataLocation(directory: xdg + "/ironviper")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return DataLocation(directory: home + "/.local/share/ironviper")
    }

    /// The SQLite catalog.
    package var catalogPath: String { directory + "/catalog.sqlite" }
    /// The previews folder.
    package var previewsPath: String { directory + "/previews" }
}
