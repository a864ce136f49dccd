import Catalog

/// The records of one ingest thread not yet written: small files are written many to a transaction
/// (`Catalog.recordAll`) instead of one each, which was most of a small file's ingest (a transaction's
/// commit, and the statements run again for each). Written when `capacity` have gathered, when the oldest
/// has waited `wait` seconds, and before a large file (whose hashing would hold the others back), so a file's
/// master is never queued much later than it would be alone.
final class RecordBatch {
    struct Entry {
        /// The job's index in the `WorkQueue`, whose result is revised once written.
        var index: Int
        var path: String
        var record: IngestRecord
    }

    static let capacity = 32
    static let wait = 0.5
    static let largeFile: Int64 = 1 << 20

    private var entries: [Entry] = []
    private var since = 0.0

    func add(index: Int, path: String, record: IngestRecord) {
        if entries.isEmpty { since = MonotonicClock.seconds() }
        entries.append(Entry(index: index, path: path, record: record))
    }

    /// Whether to write what gathered before ingesting a file of `size` bytes.
    func isDue(before size: Int64) -> Bool {
        guard !entries.isEmpty else { return false }
        return entries.count >= Self.capacity || size >= Self.largeFile
            || MonotonicClock.seconds() - since >= Self.wait
    }

    /// The entries, leaving none.
    func take() -> [Entry] {
        defer { entries = [] }
        return entries
    }
}
