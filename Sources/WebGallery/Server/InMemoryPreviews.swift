import NIOCore
import Synchronization

/// The bytes of recently served small previews in memory, by `sha256/name`. A rendition of a content never
/// changes (the name is the content's hash), so a kept copy is never stale: the grid's thumbnails are then served
/// without a catalog lookup or a file read. Bounded by `capacity` bytes; the oldest entries go first. (Not to be
/// confused with Sync's `PreviewCache`, which downloads previews made in the cloud into the previews folder.)
final class InMemoryPreviews: Sendable {
    /// Renditions larger than this are read from disk each time (the `hd` of a detail page is asked once).
    static let largestKept = 256 * 1024
    let capacity: Int
    private let state = Mutex(State())

    private struct State {
        var entries: [String: ByteBuffer] = [:]
        var order: [String] = []
        var head = 0
        var bytes = 0
    }

    init(capacity: Int = 64 << 20) { self.capacity = capacity }

    func get(_ key: String) -> ByteBuffer? { state.withLock { $0.entries[key] } }

    func put(_ key: String, _ bytes: ByteBuffer) {
        guard bytes.readableBytes <= Self.largestKept else { return }
        state.withLock { state in
            guard state.entries[key] == nil else { return }
            state.entries[key] = bytes
            state.order.append(key)
            state.bytes += bytes.readableBytes
            while state.bytes > capacity, state.head < state.order.count {
                let oldest = state.order[state.head]
                state.head += 1
                state.bytes -= state.entries.removeValue(forKey: oldest)?.readableBytes ?? 0
            }
            if state.head > 4096 {  // drop the consumed prefix now and then
                state.order.removeFirst(state.head)
                state.head = 0
            }
        }
    }
}
