/// Keeps uploads under a byte rate. The AzureStorage client has no per-transfer speed limit (its
/// curl handles are not given `CURLOPT_MAX_SEND_SPEED_LARGE`), so the limit is enforced between
/// uploads: each upload books its bytes on a timeline at the configured rate and starts only when
/// the uploads before it have "paid" for theirs. The average holds; one large file still goes at
/// full speed and the uploads after it wait accordingly.
package actor BandwidthLimiter {
    private let bytesPerSecond: Double
    private var nextFree: ContinuousClock.Instant?

    /// A limiter at `bytesPerSecond` (at least 1).
    package init(bytesPerSecond: Int) {
        self.bytesPerSecond = Double(max(1, bytesPerSecond))
    }

    /// When an upload of `bytes` booked at `now` may start, given the timeline so far; books it.
    package func book(bytes: Int64, now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        let start = max(now, nextFree ?? now)
        nextFree = start + .seconds(Double(max(0, bytes)) / bytesPerSecond)
        return start
    }

    /// Waits until an upload of `bytes` may start; `waiting` is told how long first, when it must wait.
    package func acquire(bytes: Int64, waiting: @Sendable (Duration) -> Void = { _ in }) async throws {
        let clock = ContinuousClock()
        let start = book(bytes: bytes, now: clock.now)
        let now = clock.now
        guard start > now else { return }
        waiting(now.duration(to: start))
        try await clock.sleep(until: start)
    }
}
