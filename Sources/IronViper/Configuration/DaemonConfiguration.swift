import Foundation
import Watcher

/// Everything `ironviper run` needs to know, read from `config.toml` (see `DaemonConfiguration+TOML`).
/// Every field has a default except the libraries: a configuration that names no folder is refused,
/// because a daemon that silently watches nothing looks exactly like one that works.
public struct DaemonConfiguration: Sendable, Equatable {
    /// A watched folder tree. Its name is the PartitionKey of its rows in the cloud tables, so it
    /// must stay stable when the folder moves on disk.
    public struct Library: Sendable, Equatable {
        public var name: String
        public var path: String

        public init(name: String, path: String) {
            self.name = name
            self.path = path
        }

        /// Whether `other` is this library's folder or lies under it.
        public func contains(_ other: String) -> Bool {
            other == path || other.hasPrefix(path.hasSuffix("/") ? path : path + "/")
        }
    }

    /// What a local delete does in the cloud.
    public enum DeletePolicy: String, Sendable, Equatable, CaseIterable {
        /// Mark the file deleted in the tables; the master stays (the default: a backup that follows
        /// an accidental `rm -r` is not a backup).
        case keep
        /// Remove the master once no version references it and the retention period has passed.
        case mirror
    }

    public struct Storage: Sendable, Equatable {
        /// Azure connection string; nil runs the bundled emulator in the state directory. Usually
        /// given through the environment or a systemd credential rather than here (see `StorageSecret`).
        public var connectionString: String?
        /// Access tier of masters: Hot, Cool, Cold or Archive.
        public var accessTier: String = "Cool"
        public var deletes: DeletePolicy = .keep
        /// Days a deleted file's master is kept under `mirror` (never less than the tier's minimum).
        public var retentionDays: Int = 30

        public init() {}
    }

    public struct Watch: Sendable, Equatable {
        /// How long a file must be quiet after its last write before it is ingested.
        public var settleSeconds: Double = 1.0
        /// Names (fnmatch globs) never ingested: partial downloads, editor and office temporaries.
        public var ignore: [String] = WatcherConfiguration.defaultIgnoredNames
        /// How often folders that could not be watched (inotify limit reached) are rescanned.
        public var rescanMinutes: Double = 10

        public init() {}
    }

    public struct Sync: Sendable, Equatable {
        /// Cloud operations in flight at once.
        public var concurrency: Int = 4
        /// Attempts before a failing operation is parked (shown by `status`, retried on `sync`).
        public var maxAttempts: Int = 8
        /// Upload limit in bytes per second; nil for none.
        public var bandwidthLimit: Int?

        public init() {}
    }

    /// The bundled emulator, used when no connection string is configured.
    public struct Emulator: Sendable, Equatable {
        public var host: String = "127.0.0.1"
        /// Azurite's ports by default, so Storage Explorer and the SDKs find it as they find Azurite.
        public var blobPort: Int = 10000
        public var queuePort: Int = 10001
        public var tablePort: Int = 10002

        public init() {}
    }

    public var libraries: [Library]
    public var storage = Storage()
    public var watch = Watch()
    public var sync = Sync()
    public var emulator = Emulator()
    /// Catalog, previews and the emulator's data; nil for the default (systemd's `$STATE_DIRECTORY`,
    /// else XDG data home).
    public var stateDirectory: String?

    public init(libraries: [Library]) {
        self.libraries = libraries
    }
}
