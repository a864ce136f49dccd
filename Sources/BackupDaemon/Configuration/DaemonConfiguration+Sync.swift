import AzureStorage
import Catalog
import Sync

extension DaemonConfiguration {
    /// The sync engine's options as this configuration sets them; the daemon and `ironviper sync`
    /// (when no daemon runs) must drain the outbox the same way.
    package func syncOptions(previewsRoot: String, device: DeviceKeys) -> SyncOptions {
        var options = SyncOptions(previewsRoot: previewsRoot, device: device)
        options.concurrency = sync.concurrency
        options.maxAttempts = sync.maxAttempts
        options.bandwidthLimit = sync.bandwidthLimit
        options.masterTier = storage.accessTier
        options.deletes = storage.deletes
        options.mirrorRetention = .seconds(storage.retentionDays * 86_400)
        options.previewsInCloud = previews.location == .cloud
        options.previewProfile = previews.profile
        options.previewTier = previews.tier
        options.cloudDescriptionInterval = .milliseconds(Int(previews.learnSeconds * 1000))
        return options
    }
}
