import ArgumentParser

/// The `ironviper` command: one subcommand per file, so the daemon's `run`, `status` and `sync`
/// join the list without touching the others.
@main
struct IronviperCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ironviper",
        abstract: "Keeps a photo library safe and searchable: local catalog, previews, cloud backup.",
        subcommands: [
            ScanCommand.self, SearchCommand.self, ShowCommand.self, DuplicatesCommand.self, RenderCommand.self,
            HashCommand.self, InitCommand.self, RunCommand.self, StatusCommand.self, SyncCommand.self, RestoreCommand.self,
            VerifyCommand.self, DeviceCommand.self, WorkerCommand.self, CostCommand.self, ServeCommand.self,
        ])

    /// Logging first, then ArgumentParser's usual parse-and-run for sync and async subcommands.
    static func main() async {
        LoggingSetup.bootstrap()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
