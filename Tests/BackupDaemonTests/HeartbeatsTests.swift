import BackupDaemon
import Sync
import Testing
import Watcher

/// When a loop counts as stuck, with time driven by a fake clock.
@Suite struct HeartbeatsTests {
    let clock = FakeClock()
    var bounds: LivenessBounds {
        var bounds = LivenessBounds()
        bounds.ingest = .seconds(600)
        bounds.sync = .seconds(1800)
        bounds.watch = .seconds(60)
        return bounds
    }

    func heartbeats() -> Heartbeats { Heartbeats(bounds: bounds, clock: { [clock] in clock.now }) }

    @Test func waitingForWorkIsNeverStuck() {
        let beats = heartbeats()
        clock.advance(by: .seconds(86_400))
        #expect(beats.stalls().isEmpty)
        beats.started(.ingest)
        beats.finished(.ingest)
        clock.advance(by: .seconds(86_400))
        #expect(beats.stalls().isEmpty)
    }

    @Test func aUnitIsStuckOnlyPastItsBoundWithoutProgress() throws {
        let beats = heartbeats()
        let start = clock.now
        beats.started(.ingest)
        clock.advance(by: .seconds(500))
        beats.progressed(.ingest)  // a file ingested: the bound counts from here
        clock.advance(by: .seconds(600))
        #expect(beats.stalls().isEmpty)
        clock.advance(by: .seconds(1))
        let stall = try #require(beats.stalls().first)
        #expect(stall.loop == .ingest)
        #expect(stall.busySince == start)
        #expect(stall.quietSince == start + .seconds(500))
        beats.progressed(.ingest)
        #expect(beats.stalls().isEmpty)
    }

    @Test func oneHungRowIsFoundWhileOthersKeepFinishing() throws {
        let beats = heartbeats()
        beats.record(SyncActivity.rowStarted(1))
        for row in Int64(2)...40 {
            beats.record(SyncActivity.rowStarted(row))
            clock.advance(by: .seconds(60))
            beats.record(SyncActivity.rowFinished(row))
        }
        let stall = try #require(beats.stalls().first)
        #expect(stall.loop == .sync)
        beats.record(SyncActivity.rowFinished(1))
        #expect(beats.stalls().isEmpty)
    }

    /// A multi-GB upload is long but moves: each block staged is progress.
    @Test func aLongUploadThatMovesIsNotStuck() {
        let beats = heartbeats()
        beats.record(SyncActivity.rowStarted(7))
        for _ in 0..<100 {
            clock.advance(by: .seconds(1200))
            beats.record(SyncActivity.rowProgressed(7))
            #expect(beats.stalls().isEmpty)
        }
    }

    /// A row waiting hours for its turn under the bandwidth limit waits on purpose.
    @Test func waitingForTheBandwidthTurnIsNotStuck() {
        let beats = heartbeats()
        beats.record(SyncActivity.rowStarted(3))
        beats.record(SyncActivity.rowWaiting(3, .seconds(4 * 3600)))
        clock.advance(by: .seconds(4 * 3600 + 1800))
        #expect(beats.stalls().isEmpty)
        clock.advance(by: .seconds(1))
        #expect(beats.stalls().map(\.loop) == [.sync])
    }

    @Test func theWatchThreadIsStuckOnlyWhileHandling() {
        let beats = heartbeats()
        beats.record(WatchActivity.waiting)
        clock.advance(by: .seconds(3600))
        #expect(beats.stalls().isEmpty)
        beats.record(WatchActivity.working)
        clock.advance(by: .seconds(61))
        #expect(beats.stalls().map(\.loop) == [.watch])
        #expect(beats.report().first { $0.loop == .watch }?.stuck == true)
        beats.record(WatchActivity.waiting)
        #expect(beats.stalls().isEmpty)
    }

    @Test func theReportShowsEachLoop() throws {
        let beats = heartbeats()
        beats.started(.sync, unit: 1)
        beats.started(.sync, unit: 2)
        let report = beats.report()
        #expect(report.map(\.loop) == [.ingest, .sync, .watch])
        let sync = try #require(report.first { $0.loop == .sync })
        #expect(sync.units == 2 && sync.busySince != nil && !sync.stuck)
        #expect(report.first { $0.loop == .ingest }?.busySince == nil)
    }

    @Test func boundsAreNeverShorterThanFiveWatchdogIntervals() {
        #expect(LivenessBounds.defaults(watchdogInterval: nil) == LivenessBounds())
        #expect(LivenessBounds.defaults(watchdogInterval: .seconds(60)) == LivenessBounds())
        let patient = LivenessBounds.defaults(watchdogInterval: .seconds(900))
        #expect(patient.watch == .seconds(4500) && patient.ingest == .seconds(4500) && patient.sync == .seconds(4500))
    }
}
