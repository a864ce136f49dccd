import Catalog
import Foundation
import Imaging
import Ingest

/// How `ironviper worker` runs; the defaults suit a container with one or a few cores.
package struct WorkerOptions: Sendable {
    /// The queue of extract messages, and where messages that keep failing go.
    package var queue = CloudKeys.extractQueue
    package var poisonQueue = CloudKeys.extractPoisonQueue
    /// Messages worked at once (each conversion keeps one core busy).
    package var concurrency = max(1, System.coreCount)
    /// How long a received message stays hidden from other workers; renewed at half of it while a
    /// conversion runs, so a slow one is never handed to a second worker.
    package var visibilityTimeout: Duration = .seconds(120)
    /// Receives after which a message that still fails moves to the poison queue.
    package var maxDequeueCount = 5
    /// Exit once the queue stayed empty this long (a job-style scaler starts the worker from zero);
    /// nil runs until cancelled.
    package var idleExit: Duration?
    /// The longest wait between two looks at an empty queue (waits grow from 100 ms to this).
    package var maxPollInterval: Duration = .seconds(5)
    /// The first back-off of a transiently failing message, doubled per receive (its visibility).
    package var retryDelay: Duration = .seconds(5)
    /// How images are converted: the daemon's settings, so blobs come out byte for byte the same.
    package var imaging = ImagingConfiguration()
    /// Masters larger than this are not decoded (the daemon's own limit).
    package var maxDecodeBytes = ScanConfiguration().maxDecodeBytes
    /// Where masters are downloaded while they are converted.
    package var scratchDirectory = NSTemporaryDirectory()
    /// Told of each message's fate (tests and logs listen); nothing by default.
    package var events: @Sendable (WorkerEvent) -> Void = { _ in }

    package init() {}
}

/// What happened to a message.
package enum WorkerEvent: Sendable, Equatable {
    /// Received and being worked (its id and how many times it was received).
    case started(id: String, sha256: String?, dequeueCount: Int)
    /// Described and deleted: `renditions` uploaded now (the rest were there), `rows` merged.
    case described(id: String, sha256: String, renditions: Int, rows: Int)
    /// A result without previews (not an image, a bomb, damaged): recorded in the rows and deleted.
    case unconvertible(id: String, sha256: String, reason: String)
    /// Failed for now; visible again after the back-off.
    case retrying(id: String, error: String)
    /// Moved to the poison queue with its last error.
    case poisoned(id: String, error: String)
    /// Let go (visibility 0) because the worker is stopping.
    case released(id: String)
}
