import AzureStorage
import Sync

extension DaemonConfiguration {
    /// The sync engine's options as this configuration sets them; the daemon and `ironviper sync`
    /// (when no daemon runs) must drain the outbox the same way.
    public func syncOptions(previewsRoot: String) -> SyncOptions {
        var options = SyncOptions(previewsRoot: previewsRoot)
        options.concurrency = sync.concurrency
        options.maxAttempts = sync.maxAttempts
        options.bandwidthLimit = sync.bandwidthLimit
        options.masterTier = AccessTier(rawValue: storage.accessTier) ?? .cool
        options.deletes = storage.deletes == .mirror ? .mirror : .keep
        options.mirrorRetention = .seconds(storage.retentionDays * 86_400)
        return options
    }
}
