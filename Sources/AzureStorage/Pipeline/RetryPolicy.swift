import AzureWire

/// When and how often a failed request is sent again: exponential backoff with jitter, honouring
/// `Retry-After`. Only requests that are safe to repeat are retried after they reached the server;
/// any request is retried when it provably never left (connect or DNS failure).
package struct RetryPolicy: Sendable {
    /// Attempts in total, the first included.
    package var maxAttempts = 6
    /// Delay before the second attempt; each further attempt doubles it.
    package var initialDelay: Duration = .milliseconds(400)
    /// Ceiling for one computed delay.
    package var maxDelay: Duration = .seconds(30)
    /// Ceiling for a server-requested `Retry-After`: a bogus hour-long value must not park a worker.
    package var maxRetryAfter: Duration = .seconds(120)
    /// Fraction of each delay that is randomised (0.5: between half and all of it), so many clients
    /// that failed together do not come back together.
    package var jitter = 0.5
    /// Statuses that mean "try again later": timeout, throttling, server busy or broken.
    package var retryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504]

    package init() {}

    /// No retries at all: for tests, and for callers that retry at a higher level.
    package static var none: RetryPolicy {
        var policy = RetryPolicy()
        policy.maxAttempts = 1
        return policy
    }

    /// The pause after failed attempt number `attempt` (1-based), or the server's `Retry-After` when given.
    func delay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration {
        if let retryAfter { return min(retryAfter, maxRetryAfter) }
        var base = initialDelay
        for _ in 1..<max(1, attempt) {
            base = base * 2
            if base >= maxDelay { break }
        }
        base = min(base, maxDelay)
        let fraction = 1 - jitter * Double.random(in: 0...1)
        return base * fraction
    }

    /// Parses `Retry-After`: delay-seconds or an HTTP date.
    static func parseRetryAfter(_ value: String?, now: Int) -> Duration? {
        guard let value = value?.trimmingWhitespace(), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return .seconds(max(0, seconds)) }
        if let date = HTTPDate.parseRFC1123(String(value)) {
            return .seconds(max(0, Int(date.timeIntervalSince1970) - now))
        }
        return nil
    }
}
