import ArgumentParser
import Catalog
import Ingest
import Foundation
import Logging

/// `ironviper scan PATH…`: ingests folders into the local catalog once, without the cloud.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan", abstract: "Catalog folders once: hash, describe and make previews (no cloud).")

    @OptionGroup var data: DataOptions

    @Option(help: "Parallel workers (default: one per core).")
    var workers: Int?

    @Flag(help: "Also catalog dot-files and dot-folders.")
    var includeHidden = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Argument(help: "Folders to scan.")
    var paths: [String]

    func run() throws {
        let catalog = try data.openCatalog()
        var configuration = ScanConfiguration()
        if let workers {
            guard workers > 0 else { throw ValidationError("--workers must be at least 1") }
            configuration.workers = workers
        }
        configuration.includeHidden = includeHidden
        let scanner = LibraryScanner(
            catalog: catalog, previews: PreviewStore(root: data.location.previewsPath), configuration: configuration,
            logger: Logger(label: "ironviper.scan"))
        let display = ProgressDisplay()
        let summary: ScanSummary
        do {
            summary = try scanner.scan(roots: paths) { display.update($0) }
        } catch {
            display.finish()
            throw ValidationError("scan failed: \(error)")
        }
        display.finish()
        if json {
            try JSONOutput.print(summary)
            return
        }
        print(
            "scanned \(summary.filesSeen) files in \(String(format: "%.1f", summary.seconds)) s: "
                + "\(summary.newAssets) new, \(summary.knownContent) already known content, "
                + "\(summary.unchanged) unchanged, \(summary.missing) missing; read \(Format.bytes(summary.bytes))")
        guard !summary.failures.isEmpty else { return }
        print("\(summary.failures.count) failed:")
        let byCode = Dictionary(grouping: summary.failures, by: \.code)
        for code in byCode.keys.sorted() {
            print("  \(code) (\(byCode[code]!.count))")
            for failure in byCode[code]!.sorted(by: { $0.path < $1.path }) {
                print("    \(Printable.path(failure.path)): \(failure.message)")
            }
        }
    }
}

/// Makes hostile file names (newlines, control characters) safe to print on one line.
enum Printable {
    static func path(_ path: String) -> String {
        var out = ""
        for scalar in path.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += String(format: "\\x%02x", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
