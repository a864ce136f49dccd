import Foundation

/// Where the configuration lives and what `ironviper init` writes there.
package enum ConfigurationFile {
    /// `--config` wins, then `$IRONVIPER_CONFIG`; the system service reads
    /// `$CONFIGURATION_DIRECTORY/config.toml` (systemd's `ConfigurationDirectory=`, /etc/ironviper);
    /// a user `$XDG_CONFIG_HOME/ironviper/config.toml` (~/.config/ironviper/config.toml).
    package static func path(
        override: String? = nil, system: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        if let override { return override }
        if let path = environment["IRONVIPER_CONFIG"], !path.isEmpty { return path }
        if let directory = environment["CONFIGURATION_DIRECTORY"], !directory.isEmpty {
            return directory.split(separator: ":")[0] + "/config.toml"
        }
        if system { return "/etc/ironviper/config.toml" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/.config"
        return base + "/ironviper/config.toml"
    }

    /// A starting configuration: the given libraries and every other key at its default, commented,
    /// so the file documents itself.
    package static func sample(device: String, libraries: [DaemonConfiguration.Library]) -> String {
        var text = """
            # ironviper configuration (TOML). Every key but [[library]] is optional; the values shown
            # commented out are the defaults. `systemctl reload ironviper` (or SIGHUP) re-reads this file;
            # a file with an error is refused and the running configuration kept.

            # This machine's name in the storage account: its rows are keyed under it, so machines sharing
            # an account never collide. Change it only with `ironviper device rename NEW` (it moves the rows).
            device = \(quoted(device))

            """
        for library in libraries {
            text += """

                [[library]]
                name = \(quoted(library.name))        # PartitionKey in the cloud tables: keep it stable
                path = \(quoted(library.path))

                """
        }
        let defaults = DaemonConfiguration(libraries: [])
        text += """

            [storage]
            # With no connection string, ironviper runs its bundled emulator (data in the state
            # directory). Rather than here, give it as a systemd credential named "connection-string"
            # or in the environment as IRONVIPER_CONNECTION_STRING (an EnvironmentFile=).
            # connection_string = "DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net"
            # access_tier = "\(defaults.storage.accessTier.rawValue)"    # Hot, Cool, Cold or Archive: where masters go
            # deletes = "\(defaults.storage.deletes.rawValue)"         # keep: mark deleted, keep the master; mirror: remove it later
            # retention_days = \(defaults.storage.retentionDays)      # mirror only; never less than the tier's minimum
            # Masters no one can delete, the holder of the account key included: each is uploaded with a
            # version-level immutability policy for this many days, extended while a path or version here
            # references it (needs version-level immutability on the account or the file-store container).
            # immutability_days = \(defaults.storage.immutabilityDays)     # 0: off
            # immutability_mode = "\(defaults.storage.immutabilityMode.rawValue.lowercased())" # unlocked can be removed by anyone with the account key, the attacker too

            [watch]
            # settle_seconds = \(defaults.watch.settleSeconds)     # quiet time after the last write before a file is read
            # ignore = [\(defaults.watch.ignore.map(quoted).joined(separator: ", "))]
            # rescan_minutes = \(defaults.watch.rescanMinutes)    # folders inotify could not watch are rescanned this often

            [sync]
            # concurrency = \(defaults.sync.concurrency)           # cloud operations in flight
            # max_attempts = \(defaults.sync.maxAttempts)          # then the operation is parked and shown by `ironviper status`
            # bandwidth_limit = "off"     # upload limit: bytes per second, or "512K", "10M", "1G"

            [previews]
            # where = "\(defaults.previews.location.rawValue)"           # local: made here; cloud: by `ironviper worker` from the extract queue
            # profile = "\(defaults.previews.profile.rawValue)"       # default: the ten renditions; lean: 1440 and 250 px
            # tier = "\(defaults.previews.tier?.rawValue ?? "default")"             # the renditions' access tier; "default" for the account's
            # learn_seconds = \(Int(defaults.previews.learnSeconds))       # cloud: how often the rows are read for the worker's results

            [metrics]
            # listen = "127.0.0.1:9780"   # Prometheus metrics at http://HOST:PORT/metrics; "off" for none

            [emulator]
            # host = "\(defaults.emulator.host)"
            # blob_port = \(defaults.emulator.blobPort)
            # queue_port = \(defaults.emulator.queuePort)
            # table_port = \(defaults.emulator.tablePort)

            [web]                            # the web gallery; "" turns it off
            # listen = "\(defaults.web.listen?.description ?? "")"
            # password_hash = "…"            # required to listen beyond loopback: ironviper serve --hash-password
            # allowed_hosts = []             # host names besides localhost and IP literals (a reverse proxy's)

            # state_directory = "/var/lib/ironviper"   # default: $STATE_DIRECTORY, else ~/.local/share/ironviper

            """
        return text
    }

    /// `text` (a configuration file) with its top-level `device` set to `name`: the existing line
    /// replaced, or one added before the first table. Everything else, comments included, is kept.
    package static func settingDevice(_ name: String, in text: String) -> String {
        var lines = text.components(separatedBy: "\n")
        let firstTable = lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("[") } ?? lines.count
        let line = "device = \(quoted(name))"
        if let existing = lines[..<firstTable].firstIndex(where: { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("device") && trimmed.dropFirst("device".count).trimmingCharacters(in: .whitespaces)
                .hasPrefix("=")
        }) {
            lines[existing] = line
        } else {
            lines.insert(contentsOf: [line, ""], at: firstTable)
        }
        return lines.joined(separator: "\n")
    }

    static func quoted(_ text: String) -> String {
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                escaped += String(format: "\\u%04X", scalar.value)
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }
}
