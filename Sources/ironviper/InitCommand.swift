import ArgumentParser
import Foundation
import BackupDaemon
import Catalog

/// `ironviper init`: writes a starting configuration that documents every key with its default.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Write a starting configuration file (config.toml).")

    @Option(name: .customLong("library"), help: "A folder to back up, as NAME=PATH (repeatable; default: pictures=~/Pictures).")
    var libraries: [String] = []

    @Option(help: "Where to write it (default: ~/.config/ironviper/config.toml, or /etc/ironviper/config.toml with --system).")
    var config: String?

    @Flag(help: "Write the system service's configuration.")
    var system = false

    @Flag(help: "Replace an existing file.")
    var force = false

    func run() throws {
        let path = ConfigurationFile.path(override: config, system: system)
        if FileManager.default.fileExists(atPath: path) && !force {
            throw ValidationError("\(path) already exists (use --force to replace it)")
        }
        var chosen = try libraries.map(Self.parseLibrary)
        if chosen.isEmpty {
            guard !system else { throw ValidationError("--system needs at least one --library NAME=PATH") }
            chosen = [.init(name: "pictures", path: NSHomeDirectory() + "/Pictures")]
        }
        let text = ConfigurationFile.sample(device: DeviceName.fromHostName(DeviceIdentity.hostName()), libraries: chosen)
        // Written text must read back: a sample that the daemon then refuses would be a poor start.
        do {
            _ = try DaemonConfiguration.parse(text)
        } catch {
            throw ValidationError("the configuration would not be valid: \(error)")
        }
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        print("wrote \(path)")
        for library in chosen where !FileManager.default.fileExists(atPath: library.path) {
            print("note: \(library.path) does not exist yet")
        }
    }

    static func parseLibrary(_ text: String) throws -> DaemonConfiguration.Library {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw ValidationError("--library \(text): expected NAME=PATH")
        }
        let path = String(text[text.index(after: equals)...])
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return .init(name: String(text[..<equals]), path: (absolute as NSString).standardizingPath)
    }
}
