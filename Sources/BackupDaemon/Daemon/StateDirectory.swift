import Catalog
import Foundation

/// Where the daemon keeps its catalog, previews, emulator data, lock and status file: the
/// configuration's `state_directory`, else systemd's `$STATE_DIRECTORY` (`StateDirectory=`), else
/// the catalog's default (`/var/lib/ironviper` for the system service, XDG data home for a user).
package enum StateDirectory {
    package static func resolve(
        configured: String?, system: Bool, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let configured, !configured.isEmpty { return configured }
        if let fromSystemd = environment["STATE_DIRECTORY"]?.split(separator: ":").first, !fromSystemd.isEmpty {
            return String(fromSystemd)
        }
        return DataLocation.resolve(system: system, environment: environment).directory
    }
}
