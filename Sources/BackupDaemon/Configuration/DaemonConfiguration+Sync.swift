import AzureStorage
import Catalog
import Foundation
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
        options.immutability = masterImmutability
        options.previewsInCloud = previews.location == .cloud
        options.previewProfile = previews.profile
        options.previewTier = previews.tier
        options.cloudDescriptionInterval = .milliseconds(Int(previews.learnSeconds * 1000))
        return options
    }

    /// The protection of masters as configured; nil when `immutability_days` is 0. Verify judges with it too.
    package var masterImmutability: MasterImmutability? {
        guard storage.immutabilityDays > 0 else { return nil }
        return MasterImmutability(
            period: .seconds(Double(storage.immutabilityDays) * Self.immutabilityDaySeconds()),
            mode: storage.immutabilityMode)
    }

    /// The length of an immutability day in seconds: 86,400, or `IRONVIPER_TEST_DAY_SECONDS` (a test hook, so
    /// that the attack test sees a policy lapse in seconds; never set it in production: it shortens every
    /// master's protection by the same factor).
    package static func immutabilityDaySeconds(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Double {
        guard let text = environment["IRONVIPER_TEST_DAY_SECONDS"], let seconds = Double(text), seconds > 0 else {
            return 86_400
        }
        return seconds
    }
}
