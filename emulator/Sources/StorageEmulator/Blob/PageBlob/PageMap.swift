/// One written run of a page blob: `length` bytes at `start`, stored in chunk `chunkID` from `chunkOffset` on.
struct PageRun: Sendable, Equatable {
    var start: Int64
    var length: Int64
    var chunkID: Int64
    var chunkOffset: Int64

    var end: Int64 { start + length }

    /// The chunk position that holds byte `position` of the blob (which this run must cover).
    func source(at position: Int64) -> (chunk: Int64, offset: Int64) { (chunkID, chunkOffset + position - start) }
}

/// The arithmetic of a page blob's runs, apart from SQLite so that it can be tested alone: what is left of runs a
/// write cuts through, which ranges hold data, and how two versions of a blob differ.
enum PageMap {
    /// Azure's page size: every page range starts and ends on a multiple of it.
    static let pageSize: Int64 = 512

    /// What stays of `runs` outside `range`: a run the range cuts keeps its left part (same chunk, same offset) and
    /// its right part (same chunk, offset moved past the cut); bytes inside `range` are dropped. No bytes move.
    static func remainders(of runs: [PageRun], outside range: Range<Int64>) -> [PageRun] {
        var kept: [PageRun] = []
        for run in runs {
            if run.start < range.lowerBound {
                kept.append(PageRun(
                    start: run.start, length: min(run.end, range.lowerBound) - run.start, chunkID: run.chunkID,
                    chunkOffset: run.chunkOffset))
            }
            if run.end > range.upperBound {
                let start = max(run.start, range.upperBound)
                kept.append(PageRun(
                    start: start, length: run.end - start, chunkID: run.chunkID, chunkOffset: run.source(at: start).offset))
            }
        }
        return kept
    }

    /// The ranges within `window` that hold data, adjacent runs merged (Get Page Ranges' `PageRange` list).
    static func ranges(_ runs: [PageRun], within window: Range<Int64>) -> [Range<Int64>] {
        merge(runs.sorted { $0.start < $1.start }.map { ($0.start..<$0.end).clamped(to: window) }.filter { !$0.isEmpty })
    }

    /// How `current` differs from `previous` within `window`: ranges written since (data that is new or now comes
    /// from another write) and ranges that held data before and are clear now (Get Page Ranges with `prevsnapshot`).
    static func diff(current: [PageRun], previous: [PageRun], within window: Range<Int64>)
        -> (updated: [Range<Int64>], cleared: [Range<Int64>])
    {
        let current = current.sorted { $0.start < $1.start }
        let previous = previous.sorted { $0.start < $1.start }
        var bounds = Set([window.lowerBound, window.upperBound])
        for run in current + previous {
            for bound in [run.start, run.end] where window.contains(bound) { bounds.insert(bound) }
        }
        let points = bounds.sorted()
        var updated: [Range<Int64>] = []
        var cleared: [Range<Int64>] = []
        var i = 0
        var j = 0
        for (low, high) in zip(points, points.dropFirst()) {
            while i < current.count && current[i].end <= low { i += 1 }
            while j < previous.count && previous[j].end <= low { j += 1 }
            let now = i < current.count && current[i].start <= low ? current[i].source(at: low) : nil
            let before = j < previous.count && previous[j].start <= low ? previous[j].source(at: low) : nil
            switch (now, before) {
            case (let now?, let before): if before == nil || before! != now { updated.append(low..<high) }
            case (nil, _?): cleared.append(low..<high)
            case (nil, nil): break
            }
        }
        return (merge(updated), merge(cleared))
    }

    /// Sorted ranges with touching or overlapping neighbours joined.
    static func merge(_ ranges: [Range<Int64>]) -> [Range<Int64>] {
        var merged: [Range<Int64>] = []
        for range in ranges {
            if let last = merged.last, last.upperBound >= range.lowerBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }
}
