import BackupDaemon
import Foundation
import Testing

/// The heap is trimmed once each time the daemon goes idle after work: never while a loop has a unit under way,
/// never again while nothing new was done.
@Suite struct HeapReturnTests {
    @Test func trimsOnceWhenIdleAfterWork() {
        let beats = Heartbeats(bounds: LivenessBounds())
        let heap = HeapReturn()
        #expect(!heap.trimIfIdle(beats))  // idle all along: nothing was freed
        beats.started(.ingest)
        beats.started(.sync, unit: 7)
        beats.finished(.ingest)
        #expect(!heap.trimIfIdle(beats))  // the sync row is still under way
        beats.finished(.sync, unit: 7)
        #expect(beats.activity() == (busy: false, finishedUnits: 2))
        #expect(heap.trimIfIdle(beats))
        #expect(!heap.trimIfIdle(beats))  // still idle, nothing new done
        beats.finished(.sync, unit: 8)  // finishing a unit that never started is not work
        #expect(!heap.trimIfIdle(beats))
        beats.started(.watch)
        beats.finished(.watch)
        #expect(heap.trimIfIdle(beats))
    }

    /// The daemon's own process, trimmed for real: glibc's answer is not checked (it says whether memory went
    /// back, which depends on the heap), only that the call is made and returns.
    @Test func limitingArenasAndTrimmingRunInThisProcess() {
        #expect(HeapReturn.available)  // glibc's mallopt and malloc_trim were found by name
        HeapReturn.limitArenas()
        let beats = Heartbeats(bounds: LivenessBounds())
        var blocks: [[UInt8]] = (0..<64).map { _ in [UInt8](repeating: 1, count: 1 << 20) }
        beats.started(.ingest)
        blocks.removeAll()
        beats.finished(.ingest)
        #expect(blocks.isEmpty && HeapReturn().trimIfIdle(beats))
    }
}
