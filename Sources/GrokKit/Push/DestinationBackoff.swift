/// When a destination keeps failing (down, unreachable, refusing logins),
/// pushes to it pause instead of costing every repository its retries
/// and every fetch job its wait: after `threshold` repositories in a row
/// failed there, the destination is paused for `firstPause` seconds (a
/// minute, or a service's `refresh` when shorter), then twice as long each
/// time it trips again, up to an hour. One push that succeeds
/// resets it. Rejected refs and deleteprotect refusals are answers from a
/// working destination and do not count. A plain value: the rule is
/// tested without clocks.
package struct DestinationBackoff: Sendable, Equatable {
    package private(set) var consecutiveFailures = 0
    package private(set) var trips = 0
    /// Monotonic seconds until which pushes there are skipped.
    package private(set) var pausedUntil: Double? = nil

    /// Seconds of the first pause.
    package let firstPause: Double

    package static let threshold = 3
    package static let longestPause = 3600.0

    package init(firstPause: Double = 60) { self.firstPause = firstPause }

    package func isPaused(now: Double) -> Bool { pausedUntil.map { now < $0 } ?? false }

    /// Records a repository whose push failed; the pause this starts (in
    /// seconds), if it starts one.
    package mutating func failed(now: Double) -> Double? {
        consecutiveFailures += 1
        guard consecutiveFailures >= Self.threshold else { return nil }
        var pause = firstPause
        for _ in 0..<trips where pause < Self.longestPause { pause *= 2 }
        pause = min(pause, Self.longestPause)
        trips += 1
        consecutiveFailures = 0
        pausedUntil = now + pause
        return pause
    }

    package mutating func succeeded() { self = DestinationBackoff(firstPause: firstPause) }
}
