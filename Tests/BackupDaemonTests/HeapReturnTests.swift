import BackupDaemon
import Foundation
import Sync
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
        var released = 0
        #expect(heap.trimIfIdle(beats) { released += 1 })
        #expect(released == 1)  // the caches are released before the trim, and only when it trims
        #expect(!heap.trimIfIdle(beats) { released += 1 } && released == 1)
    }

    /// The sync engine's poll of the outbox (every 2 s while idle) is a unit of its own, so that a stuck catalog
    /// read is caught, but finding nothing to do is not work: polls alone never make the daemon due for another
    /// trim, which would hand its code pages back and read them from the disk again every few seconds.
    @Test func pollingTheOutboxIsNotWork() {
        let beats = Heartbeats(bounds: LivenessBounds())
        let heap = HeapReturn()
        beats.record(SyncActivity.rowStarted(3))
        beats.record(SyncActivity.rowFinished(3))
        #expect(heap.trimIfIdle(beats))
        for _ in 0..<3 {
            beats.record(SyncActivity.lookingStarted)
            #expect(beats.activity().busy)
            beats.record(SyncActivity.lookingFinished)
            #expect(!heap.trimIfIdle(beats))
        }
        beats.record(SyncActivity.rowStarted(4))
        beats.record(SyncActivity.rowFinished(4))
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

/// Code pages handed back for real: this test process's read-only file mappings leave its resident set.
@Suite struct CodePagesTests {
    @Test func onlyReadOnlyFileMappingsAreChosen() {
        let maps = """
            5581e0000000-5581e0200000 r--p 00000000 08:01 1234    /usr/bin/ironviper
            5581e0200000-5581e0800000 r-xp 00200000 08:01 1234    /usr/bin/ironviper
            5581e0800000-5581e0900000 rw-p 00800000 08:01 1234    /usr/bin/ironviper
            5581e1000000-5581e2000000 rw-p 00000000 00:00 0       [heap]
            7f0000000000-7f0000100000 r-xp 00000000 08:01 99      /opt/lib/a library (deleted)
            7f0000100000-7f0000101000 ---p 00000000 00:00 0
            7ffd00000000-7ffd00002000 r-xp 00000000 00:00 0       [vdso]
            """
        #expect(
            CodePages.readOnlyFileMappings(maps) == [
                0x5581_e000_0000..<0x5581_e020_0000, 0x5581_e020_0000..<0x5581_e080_0000,
                0x7f00_0000_0000..<0x7f00_0010_0000,
            ])
    }

    @Test func pagingOutShrinksThisProcesssFileBackedResidentSet() throws {
        let before = try Self.residentFileKiB()
        #expect(CodePages.pageOut() > 0)
        #expect(try Self.residentFileKiB() < before)
    }

    /// `RssFile` of /proc/self/status, in KiB.
    static func residentFileKiB() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("RssFile:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }
}
