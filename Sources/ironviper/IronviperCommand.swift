import ArgumentParser

/// The `ironviper` command: one subcommand per file, so the daemon's `run`, `status` and `sync`
/// join the list without touching the others.
struct IronviperCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ironviper",
        abstract: "Keeps a photo library safe and searchable: local catalog, previews, cloud backup.",
        subcommands: [
            ScanCommand.self, SearchCommand.self, ShowCommand.self, DuplicatesCommand.self, RenderCommand.self,
            HashCommand.self, InitCommand.self,
        ])
}
