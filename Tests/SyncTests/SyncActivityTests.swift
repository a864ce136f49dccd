import Foundation
import Sync
import Synchronization
import Testing

/// The engine tells a liveness monitor what it does, so that the daemon's watchdog can tell a long
/// upload that moves from one that hangs.
@Suite("Sync activity")
struct SyncActivityTests {
    @Test func everyRowStartedFinishesAndUploadsReportProgress() async throws {
        try await SyncBed.with { bed in
            try bed.write("a.jpg", try SyncBed.jpeg(1))
            try bed.write("b.jpg", try SyncBed.jpeg(2))
            try bed.scan()
            let seen = Mutex<[SyncActivity]>([])
            // Uploads started together: all but the first wait their turn under the limit, and say how long.
            let engine = bed.engine { options in
                options.bandwidthLimit = 1_000_000
                options.activity = { activity in seen.withLock { $0.append(activity) } }
            }
            #expect(try await engine.drain().depth == 0)
            let activity = seen.withLock { $0 }
            var started: [Int64] = []
            var finished: [Int64] = []
            var progressed: Set<Int64> = []
            var waits: [Duration] = []
            var looking = 0
            for event in activity {
                switch event {
                case .rowStarted(let row): started.append(row)
                case .rowFinished(let row): finished.append(row)
                case .rowProgressed(let row): progressed.insert(row)
                case .rowWaiting(_, let wait): waits.append(wait)
                case .lookingStarted: looking += 1
                case .lookingFinished: looking -= 1
                case .woke: break
                }
            }
            #expect(!started.isEmpty)
            #expect(started.sorted() == finished.sorted(), "no row left in flight")
            #expect(looking == 0)
            #expect(Set(started).isSuperset(of: progressed))
            #expect(progressed.count >= 2, "each upload, masters and previews, moved")
            #expect(!waits.isEmpty && waits.allSatisfy { $0 > .zero })
        }
    }
}
