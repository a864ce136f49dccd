import AzureStorage
import Foundation

/// Masters uploaded under a version-level immutability policy until now + `period`, and kept protected while
/// anything here references them (`[storage] immutability_days`; see the README's threat model).
package struct MasterImmutability: Sendable {
    /// How long each upload or extension protects a master from now.
    package var period: Duration
    /// `Locked` by default: an `Unlocked` policy can be shortened or removed by anyone holding the account key,
    /// which is exactly who the protection is against.
    package var mode: ImmutabilityPolicy.Mode = .locked
    /// Extensions queued by one pass at most (a pass runs every `checkInterval`; the next takes the rest).
    package var batchSize = 100

    /// Makes one.
    package init(period: Duration, mode: ImmutabilityPolicy.Mode = .locked) {
        self.period = period
        self.mode = mode
    }

    /// A policy is extended once less than a third of the period is left. Why a third and not a day: with a
    /// period of N days, the daemon may be off (or the cloud away) for up to N/3 days before a master's policy
    /// can lapse, and a master is re-protected at most three times per period (one write request each, which
    /// `ironviper cost` counts like any other). A fixed day would make short test periods renew constantly and
    /// give a long period no slack for a machine that is off over a holiday.
    package var renewalMargin: Duration { period / 3 }

    /// How often the engine looks for policies to extend: a twelfth of the period (so a master's renewal is
    /// queued well inside its margin), at most hourly.
    package var checkInterval: Duration { min(.seconds(3600), period / 12) }

    /// The policy an upload or extension at `now` asks for.
    package func policy(from now: Date) -> ImmutabilityPolicy {
        ImmutabilityPolicy(until: now.addingTimeInterval(period.seconds), mode: mode)
    }
}
