import Synchronization

/// The `DestinationBackoff` of every destination, shared by the jobs of
/// one process (a grok-pull run or service, a grok-push run).
package final class DestinationHealth: Sendable {
    private let states = Mutex<[String: DestinationBackoff]>([:])
    private let firstPause: Double

    /// `firstPause`: seconds (see `DestinationBackoff`).
    package init(firstPause: Double = 60) { self.firstPause = firstPause }

    package func isPaused(_ destination: String, now: Double) -> Bool {
        states.withLock { $0[destination]?.isPaused(now: now) ?? false }
    }

    /// The pause a failure starts, in seconds, if it starts one.
    package func failed(_ destination: String, now: Double) -> Double? {
        states.withLock { $0[destination, default: DestinationBackoff(firstPause: firstPause)].failed(now: now) }
    }

    package func succeeded(_ destination: String) {
        states.withLock { $0[destination] = nil }
    }
}
