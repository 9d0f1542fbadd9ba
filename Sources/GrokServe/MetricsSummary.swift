import GrokKit

/// What /metrics reports, summed over the served repositories in one pass
/// over the store, keeping no repository: a scrape never waits for the
/// pages' view of 30,000 repositories to be built.
package struct MetricsSummary: Sendable {
    package struct PushCounts: Sendable, Equatable {
        package var success = 0, failure = 0, behind = 0
    }

    /// Repositories per state name (every state present, zeros included).
    package var counts: [String: Int] = Dictionary(uniqueKeysWithValues: RepositoryState.names.map { ($0, 0) })
    package var fetchSuccesses = 0, fetchFailures = 0, failuresInARow = 0
    /// The last fetch's duration, summed, in seconds.
    package var fetchSeconds = 0.0
    /// Per push destination.
    package var pushes: [String: PushCounts] = [:]
    /// The store's manifest checks and heartbeats.
    package var checks = StatusSnapshot()
    /// When it was summed, Unix seconds.
    package var takenAt: Double

    package init(checks: StatusSnapshot, now: Double) {
        self.checks = checks
        takenAt = now
    }

    /// Counts one served repository.
    package mutating func add(_ status: RepositoryStatus, pushes: [PushStatus], now: Double) {
        counts[RepositoryState(status, now: now).name, default: 0] += 1
        if status.consecutiveFailures > 0 { fetchFailures += 1 } else if status.lastSuccess != nil { fetchSuccesses += 1 }
        failuresInARow += status.consecutiveFailures
        fetchSeconds += status.fetchSeconds ?? 0
        for push in pushes {
            var count = self.pushes[push.destination] ?? PushCounts()
            if push.consecutiveFailures > 0 { count.failure += 1 } else if push.lastSuccess != nil { count.success += 1 }
            if StatusView.isBehind(push, status) { count.behind += 1 }
            self.pushes[push.destination] = count
        }
    }
}
