import Foundation

/// Runs blocking work (a scan: file reads, MagickWand, SQLite writes; a restore's hashing and
/// copying) on a thread of its own and awaits it, so Swift's cooperative pool is never held by it.
package enum BlockingWork {
    /// Runs `body` on a new thread named `name` (8 MiB of stack, enough for MagickWand).
    package static func run<T: Sendable>(_ name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = name
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
