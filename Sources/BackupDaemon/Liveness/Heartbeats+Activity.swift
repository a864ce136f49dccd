import Sync
import Watcher

/// The sync engine and the watcher report their activity in their own terms (they know nothing of
/// the daemon); this is where it becomes heartbeats.
extension Heartbeats {
    /// The unit of the engine's own catalog reads (outbox row ids are positive).
    static let lookingUnit: Int64 = -1

    package func record(_ activity: SyncActivity) {
        switch activity {
        case .woke: beat(.sync)
        case .lookingStarted: started(.sync, unit: Self.lookingUnit)
        case .lookingFinished: finished(.sync, unit: Self.lookingUnit, isWork: false)
        case .rowStarted(let row): started(.sync, unit: row)
        case .rowProgressed(let row): progressed(.sync, unit: row)
        case .rowWaiting(let row, let wait): progressed(.sync, unit: row, quietFor: wait)
        case .rowFinished(let row): finished(.sync, unit: row)
        }
    }

    package func record(_ activity: WatchActivity) {
        switch activity {
        case .working: started(.watch)
        case .waiting: finished(.watch)
        }
    }
}
