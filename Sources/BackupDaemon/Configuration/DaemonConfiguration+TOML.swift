import AzureStorage
import Catalog
import Foundation
import Imaging
import Sync
import TOMLKit
import WebGallery

extension DaemonConfiguration {
    /// Reads and validates a configuration file.
    package static func load(file: String) throws -> DaemonConfiguration {
        try TOMLDocument.load(file: file, parse)
    }

    /// Parses TOML text. Unknown keys are errors: a misspelt `acces_tier` that silently fell back to
    /// the default would upload a library into the wrong (and differently priced) tier.
    package static func parse(_ text: String) throws -> DaemonConfiguration {
        var reader = TableReader(try TOMLDocument.table(text), path: "")
        var configuration = DaemonConfiguration(libraries: try reader.libraries())
        if var storage = try reader.table("storage") {
            configuration.storage.connectionString = try storage.string("connection_string")
            if let tier = try storage.string("access_tier") {
                guard let known = AccessTier.allCases.first(where: { $0.rawValue.lowercased() == tier.lowercased() })
                else { throw ConfigurationError(key: "storage.access_tier", "must be Hot, Cool, Cold or Archive, not \"\(tier)\"") }
                configuration.storage.accessTier = known
            }
            if let deletes = try storage.string("deletes") {
                guard let policy = DeletePolicy(rawValue: deletes) else {
                    throw ConfigurationError(key: "storage.deletes", "must be \"keep\" or \"mirror\", not \"\(deletes)\"")
                }
                configuration.storage.deletes = policy
            }
            if let days = try storage.int("retention_days", atLeast: 0) { configuration.storage.retentionDays = days }
            if let days = try storage.int("immutability_days", atLeast: 0) {
                // Azure's longest time-based retention is 146,000 days (400 years).
                guard days <= 146_000 else {
                    throw ConfigurationError(
                        key: "storage.immutability_days", "must be at most 146000 (Azure's 400 years), not \(days)")
                }
                configuration.storage.immutabilityDays = days
            }
            if let mode = try storage.string("immutability_mode") {
                guard let known = ImmutabilityPolicy.Mode(text: mode) else {
                    throw ConfigurationError(
                        key: "storage.immutability_mode", "must be \"locked\" or \"unlocked\", not \"\(mode)\"")
                }
                configuration.storage.immutabilityMode = known
            }
            try storage.finish()
        }
        if var watch = try reader.table("watch") {
            if let seconds = try watch.number("settle_seconds", atLeast: 0) { configuration.watch.settleSeconds = seconds }
            if let globs = try watch.strings("ignore") { configuration.watch.ignore = globs }
            if let minutes = try watch.number("rescan_minutes", atLeast: 0.1) { configuration.watch.rescanMinutes = minutes }
            try watch.finish()
        }
        if var sync = try reader.table("sync") {
            if let concurrency = try sync.int("concurrency", atLeast: 1) { configuration.sync.concurrency = concurrency }
            if let attempts = try sync.int("max_attempts", atLeast: 1) { configuration.sync.maxAttempts = attempts }
            configuration.sync.bandwidthLimit = try sync.bandwidth("bandwidth_limit")
            try sync.finish()
        }
        if var previews = try reader.table("previews") {
            if let location = try previews.string("where") {
                guard let known = Previews.Location(rawValue: location) else {
                    throw ConfigurationError(key: "previews.where", "must be \"local\" or \"cloud\", not \"\(location)\"")
                }
                configuration.previews.location = known
            }
            if let seconds = try previews.number("learn_seconds", atLeast: 0.1) { configuration.previews.learnSeconds = seconds }
            if let name = try previews.string("profile") {
                guard let profile = PreviewProfile(rawValue: name) else {
                    let known = PreviewProfile.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
                    throw ConfigurationError(key: "previews.profile", "must be \(known), not \"\(name)\"")
                }
                configuration.previews.profile = profile
            }
            if let tier = try previews.string("tier") {
                if tier.lowercased() == "default" {
                    configuration.previews.tier = nil
                } else {
                    guard let known = AccessTier.allCases.first(where: { $0.rawValue.lowercased() == tier.lowercased() })
                    else {
                        throw ConfigurationError(
                            key: "previews.tier", "must be Hot, Cool, Cold, Archive or default, not \"\(tier)\"")
                    }
                    configuration.previews.tier = known
                }
            }
            try previews.finish()
        }
        if var emulator = try reader.table("emulator") {
            if let host = try emulator.string("host") { configuration.emulator.host = host }
            if let port = try emulator.int("blob_port", atLeast: 0) { configuration.emulator.blobPort = port }
            if let port = try emulator.int("queue_port", atLeast: 0) { configuration.emulator.queuePort = port }
            if let port = try emulator.int("table_port", atLeast: 0) { configuration.emulator.tablePort = port }
            try emulator.finish()
        }
        if var metrics = try reader.table("metrics") {
            if let listen = try metrics.string("listen") {
                configuration.metrics.listen = try DaemonConfiguration.Listen.parse(listen, key: "metrics.listen")
            }
            try metrics.finish()
        }
        if var web = try reader.table("web") {
            if let listen = try web.string("listen") {
                if listen.isEmpty {
                    configuration.web.listen = nil
                } else {
                    guard let address = ListenAddress(listen) else {
                        throw ConfigurationError(key: "web.listen", "must be \"host:port\" (\"127.0.0.1:8780\") or \"\" for off, not \"\(listen)\"")
                    }
                    configuration.web.listen = address
                }
            }
            if let hash = try web.string("password_hash") {
                do { _ = try PasswordHash(parsing: hash) } catch {
                    throw ConfigurationError(key: "web.password_hash", "\(error)")
                }
                configuration.web.passwordHash = hash
            }
            if let user = try web.string("user") { configuration.web.user = user }
            if let hosts = try web.strings("allowed_hosts") { configuration.web.allowedHosts = hosts }
            try web.finish()
        }
        if let device = try reader.string("device") {
            do {
                configuration.device = try DeviceName.validated(device)
            } catch {
                throw ConfigurationError(key: "device", "\(error.detail ?? "not a device name"), not \"\(device)\"")
            }
        }
        configuration.stateDirectory = try reader.string("state_directory")
        try reader.finish()
        return configuration
    }
}

/// Reads typed keys of one table, remembering which keys were used so that `finish` can name the rest.
private struct TableReader {
    let table: TOMLTable
    let path: String
    var used: Set<String> = []

    init(_ table: TOMLTable, path: String) {
        self.table = table
        self.path = path
    }

    func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    mutating func value(_ name: String) -> TOMLValueConvertible? {
        used.insert(name)
        return table[name]
    }

    mutating func string(_ name: String) throws -> String? {
        guard let value = value(name) else { return nil }
        guard let text = value.string else { throw ConfigurationError(key: key(name), "must be a string") }
        return text
    }

    mutating func int(_ name: String, atLeast minimum: Int) throws -> Int? {
        guard let value = value(name) else { return nil }
        guard let number = value.int else { throw ConfigurationError(key: key(name), "must be a whole number") }
        guard number >= minimum else { throw ConfigurationError(key: key(name), "must be at least \(minimum)") }
        return number
    }

    mutating func number(_ name: String, atLeast minimum: Double) throws -> Double? {
        guard let value = value(name) else { return nil }
        guard let number = value.double ?? value.int.map(Double.init) else {
            throw ConfigurationError(key: key(name), "must be a number")
        }
        guard number >= minimum else { throw ConfigurationError(key: key(name), "must be at least \(minimum)") }
        return number
    }

    mutating func strings(_ name: String) throws -> [String]? {
        guard let value = value(name) else { return nil }
        guard let array = value.array else { throw ConfigurationError(key: key(name), "must be an array of strings") }
        return try array.map { element in
            guard let text = element.string else { throw ConfigurationError(key: key(name), "must be an array of strings") }
            return text
        }
    }

    /// Bytes per second: a number, or rclone's notation (`"512K"`, `"10M"`, `"1G"`: binary units);
    /// 0 or `"off"` for no limit.
    mutating func bandwidth(_ name: String) throws -> Int? {
        guard let value = value(name) else { return nil }
        if let number = value.int { return number > 0 ? number : nil }
        guard let text = value.string?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            throw ConfigurationError(key: key(name), "must be bytes per second or a size such as \"10M\"")
        }
        if text.lowercased() == "off" { return nil }
        let units: [Character: Int] = ["B": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        let unit = text.last.flatMap { units[Character($0.uppercased())] }
        let digits = unit == nil ? Substring(text) : text.dropLast()
        guard let amount = Double(digits), amount >= 0 else {
            throw ConfigurationError(key: key(name), "\"\(text)\" is not a size such as \"512K\", \"10M\" or \"1G\"")
        }
        let bytes = Int(amount * Double(unit ?? 1))
        return bytes > 0 ? bytes : nil
    }

    mutating func table(_ name: String) throws -> TableReader? {
        guard let value = value(name) else { return nil }
        guard let table = value.table else { throw ConfigurationError(key: key(name), "must be a table ([\(name)])") }
        return TableReader(table, path: key(name))
    }

    mutating func libraries() throws -> [DaemonConfiguration.Library] {
        guard let value = value("library") else {
            throw ConfigurationError(key: "library", "no library is configured: add a [[library]] with a name and a path")
        }
        guard let array = value.array else { throw ConfigurationError(key: "library", "must be [[library]] tables") }
        var libraries: [DaemonConfiguration.Library] = []
        for (index, element) in array.enumerated() {
            let path = "library[\(index + 1)]"
            guard let table = element.table else { throw ConfigurationError(key: path, "must be a table") }
            var reader = TableReader(table, path: path)
            guard let name = try reader.string("name"), !name.isEmpty else {
                throw ConfigurationError(key: "\(path).name", "is required")
            }
            // The name is a PartitionKey: Azure forbids / \ # ? and control characters there.
            guard !name.contains(where: { "/\\#?".contains($0) || $0.isASCII && $0.asciiValue! < 0x20 }) else {
                throw ConfigurationError(key: "\(path).name", "\"\(name)\" may not contain / \\ # ? or control characters")
            }
            guard let folder = try reader.string("path"), folder.hasPrefix("/") else {
                throw ConfigurationError(key: "\(path).path", "an absolute folder path is required")
            }
            try reader.finish()
            let library = DaemonConfiguration.Library(name: name, path: (folder as NSString).standardizingPath)
            if libraries.contains(where: { $0.name == library.name }) {
                throw ConfigurationError(key: "\(path).name", "\"\(name)\" is used by two libraries")
            }
            if let other = libraries.first(where: { $0.contains(library.path) || library.contains($0.path) }) {
                throw ConfigurationError(key: "\(path).path", "\(library.path) overlaps library \"\(other.name)\" (\(other.path))")
            }
            // One folder inside the other would ingest the same files twice under two names (checked above).
            libraries.append(library)
        }
        guard !libraries.isEmpty else {
            throw ConfigurationError(key: "library", "no library is configured: add a [[library]] with a name and a path")
        }
        return libraries
    }

    func finish() throws {
        let unknown = table.keys.filter { !used.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw ConfigurationError(key: key(unknown[0]), "unknown key" + (unknown.count > 1 ? " (also: \(unknown.dropFirst().joined(separator: ", ")))" : ""))
        }
    }
}
