import ArgumentParser
import Catalog

/// `ironviper duplicates [--near]`: the same content under several paths, or similar pictures.
struct DuplicatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "duplicates", abstract: "List exact duplicates, or near-duplicates with --near.")

    @OptionGroup var data: DataOptions

    @Flag(help: "Group different files of similar pictures (perceptual hash) instead of identical bytes.")
    var near = false

    @Option(help: "Bits of perceptual hash that may differ for --near.")
    var distance = 10

    @Flag(help: "Print groups as JSON.")
    var json = false

    func run() throws {
        let catalog = try data.openCatalog()
        let groups = near ? try catalog.nearDuplicateGroups(maxDistance: distance) : try catalog.exactDuplicateGroups()
        if json {
            try JSONOutput.print(groups)
            return
        }
        for (index, group) in groups.enumerated() {
            if index > 0 { print("") }
            for member in group {
                for path in member.paths {
                    print(
                        near
                            ? "\(member.distance)\t\(member.sha256.prefix(12))\t\(Printable.path(path))"
                            : "\(member.sha256.prefix(12))\t\(Printable.path(path))")
                }
            }
        }
        if groups.isEmpty { print(near ? "no near-duplicates" : "no duplicates") }
    }
}
