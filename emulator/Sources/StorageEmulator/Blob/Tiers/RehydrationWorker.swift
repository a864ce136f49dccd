import Foundation
import Logging

/// Completes Archive rehydrations when they fall due, for as long as the emulator runs.
///
/// The due times are rows (`blob_rehydrations`), so nothing is lost with the process: after a restart the first pass
/// completes whatever fell due while the emulator was down. Between passes it sleeps until the next due time, but at
/// most `maximumSleep`, so a rehydration started meanwhile is seen soon without any signalling.
enum RehydrationWorker {
    static let maximumSleep = 0.5

    static func run(blobs: BlobStore, logger: Logger) async {
        while !Task.isCancelled {
            do {
                let now = Date().timeIntervalSince1970
                var next = try await blobs.read { db in try BlobRehydration.nextDue(db) }
                if let due = next, due <= now {
                    let completed = try await blobs.write { db, _ in try BlobRehydration.completeDue(db, now: now) }
                    logger.debug("rehydrations completed", metadata: ["blobs": "\(completed)"])
                    next = try await blobs.read { db in try BlobRehydration.nextDue(db) }
                }
                let wait = next.map { min(maximumSleep, max(0.01, $0 - Date().timeIntervalSince1970)) } ?? maximumSleep
                try await Task.sleep(for: .seconds(wait))
            } catch is CancellationError {
                return
            } catch {
                logger.warning("rehydration pass failed", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(maximumSleep))
            }
        }
    }
}
