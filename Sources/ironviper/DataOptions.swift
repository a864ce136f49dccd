import ArgumentParser
import Catalog

/// Where the catalog and previews live; shared by every subcommand that opens the catalog.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Catalog and previews folder (default: $XDG_DATA_HOME/ironviper).")
    var dataDirectory: String?

    @Flag(help: "Use the system service's folder, /var/lib/ironviper.")
    var system = false

    var location: DataLocation { DataLocation.resolve(override: dataDirectory, system: system) }

    /// Opens the catalog, failing with a readable message; `readOnly` for a command that only reads it
    /// (`Catalog.init(readingAt:)`: no writer, no migration work when the schema is current).
    func openCatalog(readOnly: Bool = false) throws -> Catalog {
        do {
            return readOnly ? try Catalog(readingAt: location.catalogPath) : try Catalog(path: location.catalogPath)
        } catch {
            throw ValidationError("cannot open the catalog: \(error)")
        }
    }
}
