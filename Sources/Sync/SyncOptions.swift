import AzureStorage
import Foundation

/// What happens in the cloud when a local file disappears.
public enum DeletePolicy: String, Sendable, Codable {
    /// Mark the `files` entity deleted (with the time) and keep the master: the default.
    case keep
    /// Follow the local folder: after the retention period, delete content no other file or
    /// version references (master, renditions) and the path's entity.
    case mirror
}

/// How the sync engine behaves; the defaults suit the daemon.
public struct SyncOptions: Sendable {
    /// Outbox rows worked on at once (each is one or a few storage calls).
    public var concurrency = 8
    /// Access tier of uploaded masters.
    public var masterTier: AccessTier = .cool
    /// What a local delete does in the cloud.
    public var deletes: DeletePolicy = .keep
    /// With `mirror`: how long content stays after its last path vanished. The tier's minimum
    /// retention (Cool 30 days, Cold 90, Archive 180) is always respected on top of this.
    public var mirrorRetention: Duration = .seconds(30 * 86_400)
    /// Failed attempts after which a row is parked (visible in status, retried only rarely).
    public var maxAttempts = 8
    /// First retry delay; doubled per attempt up to `maxRetryDelay`, with up to 50 % jitter.
    public var retryDelay: Duration = .seconds(2)
    /// Ceiling of one retry delay.
    public var maxRetryDelay: Duration = .seconds(600)
    /// A parked row is tried again after this long (a service down for a day recovers by itself).
    public var parkedRetryInterval: Duration = .seconds(6 * 3600)
    /// Upload bandwidth in bytes per second, nil for no limit. Enforced between uploads (see `BandwidthLimiter`).
    public var bandwidthLimit: Int?
    /// How often the long-running loop looks for due rows when nobody calls `notify()`.
    public var pollInterval: Duration = .seconds(2)
    /// The local previews folder (the catalog's `PreviewStore.root`), where rendition files are read.
    public var previewsRoot: String
    /// The time source for back-offs and retention; tests move it forward to pass retention periods.
    public var clock: @Sendable () -> Date = { Date() }

    /// Options with defaults for everything but the previews folder.
    public init(previewsRoot: String) {
        self.previewsRoot = previewsRoot
    }

    /// Azure's minimum retention of a tier: deleting earlier is billed as if kept that long.
    public static func minimumRetention(of tier: AccessTier) -> Duration {
        switch tier {
        case .hot: .zero
        case .cool: .seconds(30 * 86_400)
        case .cold: .seconds(90 * 86_400)
        case .archive: .seconds(180 * 86_400)
        }
    }

    /// The retention a mirror delete waits: the configured one, never less than the tier's minimum.
    public var effectiveRetention: Duration { max(mirrorRetention, Self.minimumRetention(of: masterTier)) }
}
