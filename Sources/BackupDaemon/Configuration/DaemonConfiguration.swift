import AzureStorage
import Foundation
import Imaging
import Sync
import Watcher
import WebGallery

/// Everything `ironviper run` needs to know, read from `config.toml` (see `DaemonConfiguration+TOML`).
/// Every field has a default except the libraries: a configuration that names no folder is refused,
/// because a daemon that silently watches nothing looks exactly like one that works.
package struct DaemonConfiguration: Sendable, Equatable {
    /// A watched folder tree. Its name is the PartitionKey of its rows in the cloud tables, so it
    /// must stay stable when the folder moves on disk.
    package struct Library: Sendable, Equatable {
        package var name: String
        package var path: String

        package init(name: String, path: String) {
            self.name = name
            self.path = path
        }

        /// Whether `other` is this library's folder or lies under it.
        package func contains(_ other: String) -> Bool {
            other == path || other.hasPrefix(path.hasSuffix("/") ? path : path + "/")
        }
    }

    package struct Storage: Sendable, Equatable {
        /// Azure connection string; nil runs the bundled emulator in the state directory. Usually
        /// given through the environment or a systemd credential rather than here (see `StorageSecret`).
        package var connectionString: String?
        /// Access tier of masters.
        package var accessTier: AccessTier = SyncOptions.defaults.masterTier
        package var deletes: DeletePolicy = SyncOptions.defaults.deletes
        /// Days a deleted file's master is kept under `mirror` (never less than the tier's minimum).
        package var retentionDays: Int = 30
        /// Days each master is protected by a version-level immutability policy from its upload, extended while it
        /// is referenced; 0 (the default) uploads without a policy. Needs version-level immutability on the
        /// account or the `file-store` container (see the README).
        package var immutabilityDays: Int = 0
        /// Locked by default: an Unlocked policy can be removed by anyone with the account key.
        package var immutabilityMode: ImmutabilityPolicy.Mode = .locked

        package init() {}
    }

    package struct Watch: Sendable, Equatable {
        /// How long a file must be quiet after its last write before it is ingested.
        package var settleSeconds: Double = 1.0
        /// Names (fnmatch globs) never ingested: partial downloads, editor and office temporaries.
        package var ignore: [String] = WatcherConfiguration.defaultIgnoredNames
        /// How often folders that could not be watched (inotify limit reached) are rescanned.
        package var rescanMinutes: Double = WatcherConfiguration().unwatchedRescanInterval.minutes

        package init() {}
    }

    package struct Sync: Sendable, Equatable {
        /// Cloud operations in flight at once.
        package var concurrency: Int = SyncOptions.defaults.concurrency
        /// Attempts before a failing operation is parked (shown by `status`, retried on `sync`).
        package var maxAttempts: Int = SyncOptions.defaults.maxAttempts
        /// Upload limit in bytes per second; nil for none.
        package var bandwidthLimit: Int?

        package init() {}
    }

    /// Where previews are made.
    package struct Previews: Sendable, Equatable {
        package enum Location: String, Sendable, Equatable {
            /// By the daemon, on this machine (the default).
            case local
            /// By `ironviper worker` in the cloud, from the extract queue: this machine only hashes,
            /// catalogs and uploads masters.
            case cloud
        }

        package var location: Location = .local
        /// Which previews are made (`default`: the ten renditions; `lean`: two).
        package var profile: PreviewProfile = SyncOptions.defaults.previewProfile
        /// Access tier of the renditions in the cloud; nil for the account's default.
        package var tier: AccessTier? = SyncOptions.defaults.previewTier
        /// With `cloud`: how often the rows of contents still waiting for the worker are looked at.
        package var learnSeconds: Double = SyncOptions.defaults.cloudDescriptionInterval.seconds

        package init() {}
    }

    /// The bundled emulator, used when no connection string is configured.
    package struct Emulator: Sendable, Equatable {
        package var host: String = "127.0.0.1"
        /// Azurite's ports by default, so Storage Explorer and the SDKs find it as they find Azurite.
        package var blobPort: Int = 10000
        package var queuePort: Int = 10001
        package var tablePort: Int = 10002

        package init() {}
    }

    /// The web gallery (`[web]`): on by default, on loopback only.
    package struct Web: Sendable, Equatable {
        /// `host:port`; nil (`listen = ""`) turns the gallery off.
        package var listen: ListenAddress? = .defaultAddress
        /// `pbkdf2-sha256$…` (`ironviper serve --hash-password`); required for a listen address that is not
        /// loopback, unless systemd passes the credential `web-password-hash`.
        package var passwordHash: String?
        package var user: String = "ironviper"
        /// Host names accepted in the Host header besides localhost, IP literals and the listen host.
        package var allowedHosts: [String] = []

        package init() {}
    }

    /// The name this machine's rows in the cloud are keyed under, so that several machines can share
    /// one account; nil for the one the catalog recorded (else the host name). See `DeviceIdentity`.
    package var device: String?
    package var libraries: [Library]
    package var storage = Storage()
    package var watch = Watch()
    package var sync = Sync()
    package var previews = Previews()
    package var emulator = Emulator()
    package var metrics = Metrics()
    package var web = Web()
    /// Catalog, previews and the emulator's data; nil for the default (systemd's `$STATE_DIRECTORY`,
    /// else XDG data home).
    package var stateDirectory: String?

    package init(libraries: [Library]) {
        self.libraries = libraries
    }
}

extension Duration {
    /// The duration in minutes, as the configuration writes it.
    fileprivate var minutes: Double { seconds / 60 }
}
