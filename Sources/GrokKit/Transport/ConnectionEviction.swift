/// Which notification client gives up its slot when every slot is taken and
/// another client waits to be accepted (pure, unit-tested).
///
/// A client is safe for `grace` seconds after accept: that is the time a
/// well-behaved notifier gets to write its line while the listener is busy.
/// Past that, clients that have not completed a single line (the shape of a
/// client trickling bytes to hold a slot) go first, oldest first; then the
/// oldest of the rest. Times are monotonic seconds.
enum ConnectionEviction {
    struct Candidate: Equatable {
        let fd: Int32
        let acceptedAt: Double
        let completedLine: Bool
    }

    /// The client to close now, or nil while every client is within its grace.
    static func victim(among candidates: [Candidate], now: Double, grace: Double) -> Int32? {
        let eligible = candidates.filter { now - $0.acceptedAt >= grace }
        let order: (Candidate, Candidate) -> Bool = { ($0.completedLine ? 1 : 0, $0.acceptedAt) < ($1.completedLine ? 1 : 0, $1.acceptedAt) }
        return eligible.min(by: order)?.fd
    }

    /// When the first client's grace ends (monotonic seconds), nil when there
    /// are none: the time to look again while a connection waits.
    static func nextEligible(among candidates: [Candidate], grace: Double) -> Double? {
        candidates.map(\.acceptedAt).min().map { $0 + grace }
    }
}
