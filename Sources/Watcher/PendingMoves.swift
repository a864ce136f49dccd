/// `IN_MOVED_FROM` halves waiting for their `IN_MOVED_TO`, by cookie. The pairing window is constant, so
/// deadlines come in order and a FIFO finds the expired ones.
struct PendingMoves {
    /// The departed side of a move.
    struct Move {
        var path: [UInt8]
        var isDirectory: Bool
        /// Whether its name is ignored (a `*.part` renamed when the download completes).
        var ignored: Bool
    }

    private var byCookie: [UInt32: Move] = [:]
    private var queue = FIFO<(cookie: UInt32, deadline: ContinuousClock.Instant)>()

    mutating func departed(_ cookie: UInt32, _ move: Move, deadline: ContinuousClock.Instant) {
        byCookie[cookie] = move
        queue.append((cookie, deadline))
    }

    /// The departed half with this cookie, if still waiting.
    mutating func arrived(_ cookie: UInt32) -> Move? { byCookie.removeValue(forKey: cookie) }

    var nextDeadline: ContinuousClock.Instant? {
        mutating get {
            while let head = queue.first, byCookie[head.cookie] == nil { _ = queue.removeFirst() }
            return queue.first?.deadline
        }
    }

    /// Removes and returns the moves whose window closed unpaired: they left the watched trees.
    mutating func takeExpired(now: ContinuousClock.Instant) -> [Move] {
        var expired: [Move] = []
        while let head = queue.first, head.deadline <= now {
            _ = queue.removeFirst()
            if let move = byCookie.removeValue(forKey: head.cookie) { expired.append(move) }
        }
        return expired
    }
}
