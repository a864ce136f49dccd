import Catalog
import Foundation

/// Makes sure one content is analysed once per scan even when two workers meet copies of it at the
/// same time: the first claims the hash, the second waits for it to finish. The first's record may still
/// wait in its thread's batch then, so the second does not count on finding the asset (`FileIngest.run`).
final class ContentClaims: @unchecked Sendable {
    private let condition = NSCondition()
    private var inFlight: Set<String> = []
    private var waiters: [String: Int] = [:]

    /// Claims `sha256`; returns false after waiting if another worker held it (it is described now, though its
    /// record may not be written yet).
    func claim(_ sha256: String) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        var waited = false
        while inFlight.contains(sha256) {
            waited = true
            waiters[sha256, default: 0] += 1
            condition.wait()
            waiters[sha256]! -= 1
            if waiters[sha256] == 0 { waiters[sha256] = nil }
        }
        if waited { return false }
        inFlight.insert(sha256)
        return true
    }

    /// How many ingests wait for the claim on `sha256` (tests wait for a copy to be waiting).
    func waiting(for sha256: String) -> Int {
        condition.lock()
        defer { condition.unlock() }
        return waiters[sha256] ?? 0
    }

    /// Releases a claim after the content was recorded (or failed).
    func release(_ sha256: String) {
        condition.lock()
        inFlight.remove(sha256)
        condition.broadcast()
        condition.unlock()
    }
}
