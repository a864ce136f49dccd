import AzureWire
import Foundation
import NIOConcurrencyHelpers

/// Hands out entity timestamps that strictly increase, even for writes in the same 100 ns tick,
/// so that every write gets a distinct ETag and a stale ETag can never match by accident.
final class EntityClock: Sendable {
    private let last = NIOLockedValueBox<Int64>(0)

    func next() -> EdmDateTime {
        let now = Int64((Date().timeIntervalSince1970 * 10_000_000).rounded(.down))
        return EdmDateTime(ticks: last.withLockedValue { last in
            last = max(now, last + 1)
            return last
        })
    }
}
