import Watcher

/// One batch of watcher events, sorted into what the catalog can apply without reading (renames and
/// moves inside a library) and what must be refreshed. A move between libraries, into or out of one,
/// or with a name that is not UTF-8 stays a refresh of both ends, as every event did before.
struct WatchBatch: Sendable, Equatable {
    /// A rename or move inside one library, absolute paths.
    struct Move: Sendable, Equatable {
        var root: String
        var from: String
        var to: String
    }

    /// Moves to apply in order (a move continuing an earlier one, `a`→`b` then `b`→`c`, is one move
    /// `a`→`c`: the file is no longer at `b` to be recognised there).
    var moves: [Move] = []
    /// Events that are not moves the catalog can apply.
    var others: [WatchEvent] = []
    /// Middle paths of continued moves: whatever stood at `b` before is gone, which a refresh records.
    var passedThrough: [String] = []

    init(_ events: [WatchEvent], libraries: [DaemonConfiguration.Library]) {
        for event in events {
            guard case .moved(let from, let to, _) = event, from.isValidUTF8, to.isValidUTF8 else {
                others.append(event)
                continue
            }
            let roots = libraries.filter { $0.contains(from.string) }.map(\.path)
            let inside = !roots.isEmpty && roots == libraries.filter { $0.contains(to.string) }.map(\.path)
            guard inside, !roots.contains(from.string), !roots.contains(to.string) else {
                others.append(event)
                continue
            }
            for root in roots {
                if let index = moves.lastIndex(where: { $0.root == root && $0.to == from.string }) {
                    passedThrough.append(from.string)
                    moves[index].to = to.string
                } else {
                    moves.append(Move(root: root, from: from.string, to: to.string))
                }
            }
        }
    }
}
