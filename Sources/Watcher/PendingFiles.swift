/// Files seen being written or closed, waiting to settle. Every settle deadline is "now + the same delay",
/// so deadlines come in order and a FIFO finds the next one; a file touched again gets a new generation
/// and its older queue entries are skipped when they come up.
struct PendingFiles {
    private enum State {
        /// Modified and not yet closed: waits for `IN_CLOSE_WRITE`, however long that takes.
        case writing
        /// Closed (or arrived); settles at the deadline unless touched again.
        case settling(ContinuousClock.Instant)
    }

    private struct Entry {
        var state: State
        var generation: Int
    }

    private var entries: [[UInt8]: Entry] = [:]
    private var queue = FIFO<(path: [UInt8], generation: Int, deadline: ContinuousClock.Instant)>()
    private var nextGeneration = 0

    var isEmpty: Bool { entries.isEmpty }

    /// The file is being written: it will not settle before its next close.
    mutating func markWriting(_ path: [UInt8]) {
        nextGeneration += 1
        entries[path] = Entry(state: .writing, generation: nextGeneration)
    }

    /// The file was closed after writing or arrived: it settles at `deadline` unless touched again.
    mutating func markSettling(_ path: [UInt8], at deadline: ContinuousClock.Instant) {
        nextGeneration += 1
        entries[path] = Entry(state: .settling(deadline), generation: nextGeneration)
        queue.append((path, nextGeneration, deadline))
    }

    /// Whether the file is known here (written or closed, not yet settled).
    func contains(_ path: [UInt8]) -> Bool { entries[path] != nil }

    /// Forgets the files being written: after lost events their close may never be seen, and the rescan
    /// that follows covers them; a file still being written is noticed again at its next write.
    mutating func removeWriting() {
        for (path, entry) in entries {
            if case .writing = entry.state { entries[path] = nil }
        }
    }

    /// Drops one file (deleted).
    mutating func remove(_ path: [UInt8]) { entries[path] = nil }

    /// Drops every file at or below a directory (deleted or moved out).
    mutating func removeSubtree(_ directory: [UInt8]) {
        for path in entries.keys where PathBytes.isWithin(path, directory) { entries[path] = nil }
    }

    /// Carries a file's state (or every file's below a directory) to its new name after a rename.
    mutating func rename(from: [UInt8], to: [UInt8], now: ContinuousClock.Instant, delay: Duration) {
        for (path, entry) in entries where PathBytes.isWithin(path, from) {
            entries[path] = nil
            let renamed = PathBytes.rebase(path, from: from, to: to)
            switch entry.state {
            case .writing: markWriting(renamed)
            case .settling: markSettling(renamed, at: now + delay)
            }
        }
    }

    /// The earliest instant something may settle.
    var nextDeadline: ContinuousClock.Instant? {
        mutating get {
            while let head = queue.first, entries[head.path]?.generation != head.generation { _ = queue.removeFirst() }
            return queue.first?.deadline
        }
    }

    /// Removes and returns the files whose deadline has passed.
    mutating func takeSettled(now: ContinuousClock.Instant) -> [[UInt8]] {
        var settled: [[UInt8]] = []
        while let head = queue.first, head.deadline <= now {
            _ = queue.removeFirst()
            guard let entry = entries[head.path], entry.generation == head.generation else { continue }
            entries[head.path] = nil
            settled.append(head.path)
        }
        return settled
    }
}

/// A first-in first-out queue over an array with a moving head, compacted when half is consumed.
struct FIFO<Element> {
    private var storage: [Element] = []
    private var head = 0

    var first: Element? { head < storage.count ? storage[head] : nil }
    var isEmpty: Bool { head >= storage.count }

    mutating func append(_ element: Element) { storage.append(element) }

    mutating func removeFirst() -> Element? {
        guard head < storage.count else { return nil }
        let element = storage[head]
        head += 1
        if head > 1024 && head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return element
    }
}
