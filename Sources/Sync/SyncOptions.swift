import AzureStorage
import Catalog
import Foundation
import Imaging

/// What happens in the cloud when a local file disappears.
package enum DeletePolicy: String, Sendable, Codable, CaseIterable {
    /// Mark the `files` entity deleted (with the time) and keep the master: the default.
    case keep
    /// Follow the local folder: after the retention period, delete content no other file or
    /// version references (master, renditions) and the path's entity.
    case mirror
}

/// How the sync engine behaves; the defaults suit the daemon.
package struct SyncOptions: Sendable {
    /// The device whose rows this engine writes (their keys start with its name).
    package var device: DeviceKeys
    /// Outbox rows worked on at once (each is one or a few storage calls).
    package var concurrency = 4
    /// Access tier of uploaded masters. Cold: a backup's masters are written once and read almost never,
    /// and Cold stores a gigabyte for about a fifth of Hot and a third of Cool (`ironviper cost` shows the
    /// figures); the price is a 90-day minimum and dearer reads, paid only on a restore.
    package var masterTier: AccessTier = .cold
    /// What a local delete does in the cloud.
    package var deletes: DeletePolicy = .keep
    /// With `mirror`: how long content stays after its last path vanished. The tier's minimum
    /// retention (Cool 30 days, Cold 90, Archive 180) is always respected on top of this.
    package var mirrorRetention: Duration = .seconds(30 * 86_400)
    /// Version-level immutability of masters (`[storage] immutability_days`); nil: off, the default.
    package var immutability: MasterImmutability?
    /// Failed attempts after which a row is parked (visible in status, retried only rarely).
    package var maxAttempts = 8
    /// First retry delay; doubled per attempt up to `maxRetryDelay`, with up to 50 % jitter.
    package var retryDelay: Duration = .seconds(2)
    /// Ceiling of one retry delay.
    package var maxRetryDelay: Duration = .seconds(600)
    /// A parked row is tried again after this long (a service down for a day recovers by itself).
    package var parkedRetryInterval: Duration = .seconds(6 * 3600)
    /// Upload bandwidth in bytes per second, nil for no limit. Enforced between uploads (see `BandwidthLimiter`).
    package var bandwidthLimit: Int?
    /// How often the long-running loop looks for due rows when nobody calls `notify()`.
    package var pollInterval: Duration = .seconds(2)
    /// The local previews folder (the catalog's `PreviewStore.root`), where rendition files are read.
    package var previewsRoot: String
    /// The previews made for new content (the worker is told in each message).
    package var previewProfile: PreviewProfile = .standard
    /// Access tier of uploaded renditions; nil leaves the account's default (Hot). Cool by default:
    /// previews are read from the local catalog's folder, rarely from the cloud.
    package var previewTier: AccessTier? = .cool
    /// Whether previews are made by `ironviper worker` (`[previews] where = "cloud"`): the engine then
    /// learns their descriptions from the `files` rows (`CloudDescriptions`).
    package var previewsInCloud = false
    /// How often, with previews in the cloud, the rows of contents still waiting are looked at.
    package var cloudDescriptionInterval: Duration = .seconds(30)
    /// The time source for back-offs and retention; tests move it forward to pass retention periods.
    package var clock: @Sendable () -> Date = { Date() }
    /// Told of the engine's progress (the daemon's watchdog listens); nothing by default.
    package var activity: @Sendable (SyncActivity) -> Void = { _ in }

    /// The defaults, where the daemon's configuration takes its own from.
    package static let defaults = SyncOptions(previewsRoot: "", device: DeviceKeys(device: ""))

    /// A purge marker older than this is taken as left by a device that crashed mid-purge (a purge
    /// takes seconds; its device redoes it from the start when it comes back).
    package var purgeMarkerLifetime: Duration = .seconds(3600)

    /// Options with defaults for everything but the previews folder and the device.
    package init(previewsRoot: String, device: DeviceKeys) {
        self.previewsRoot = previewsRoot
        self.device = device
    }

    /// Azure's minimum retention of a tier: deleting earlier is billed as if kept that long.
    package static func minimumRetention(of tier: AccessTier) -> Duration {
        switch tier {
        case .hot: .zero
        case .cool: .seconds(30 * 86_400)
        case .cold: .seconds(90 * 86_400)
        case .archive: .seconds(180 * 86_400)
        }
    }

    /// When a row that failed its `attempts`-th time (1 for the first) is tried again, and whether it is
    /// parked: after `maxAttempts`, or at once for a permanent error. Back-offs double from
    /// `retryDelay` up to `maxRetryDelay`, less up to 50 % jitter so retries of many rows spread out.
    package func retry(attempt attempts: Int, permanent: Bool, now: Date) -> (park: Bool, at: Date) {
        let park = permanent || attempts >= maxAttempts
        if park { return (true, now.addingTimeInterval(parkedRetryInterval.seconds)) }
        var base = retryDelay
        for _ in 1..<max(1, attempts) where base < maxRetryDelay { base = base * 2 }
        let delay = min(base, maxRetryDelay) * (1 - 0.5 * Double.random(in: 0...1))
        return (false, now.addingTimeInterval(delay.seconds))
    }

    /// The retention a mirror delete waits: the configured one, never less than the tier's minimum.
    package var effectiveRetention: Duration { max(mirrorRetention, Self.minimumRetention(of: masterTier)) }
}

extension Duration {
    /// The duration in seconds, for `Date` arithmetic and configuration files.
    package var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
