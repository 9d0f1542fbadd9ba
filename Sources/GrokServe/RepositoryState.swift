import GrokKit

/// How a repository is doing, decided from what the status store holds and
/// the time now (a pure decision, so it is tested without a disk).
package enum RepositoryState: Sendable, Equatable {
    case ok
    /// The origin's manifest has a state this copy lacks, since then.
    case behind(since: Double)
    /// Its last attempts failed (`count` in a row), for less than a day.
    case failing(count: Int, lastError: String)
    /// Failing without a success for over a day.
    case broken(count: Int, lastError: String, since: Double)

    /// How long failing lasts before it is broken.
    package static let brokenAfter: Double = 86_400

    package static let names = ["broken", "failing", "behind", "ok"]

    package init(_ status: RepositoryStatus, now: Double) {
        if status.consecutiveFailures > 0 {
            let error = status.lastError ?? ""
            let since = status.failingSince ?? status.lastFailure ?? now
            self = now - since > Self.brokenAfter
                ? .broken(count: status.consecutiveFailures, lastError: error, since: since)
                : .failing(count: status.consecutiveFailures, lastError: error)
        } else if let since = status.behindSince {
            self = .behind(since: since)
        } else {
            self = .ok
        }
    }

    package var name: String {
        switch self {
        case .ok: return "ok"
        case .behind: return "behind"
        case .failing: return "failing"
        case .broken: return "broken"
        }
    }

    /// Higher is worse.
    package var severity: Int {
        switch self {
        case .ok: return 0
        case .behind: return 1
        case .failing: return 2
        case .broken: return 3
        }
    }

    /// Worst first: broken before failing before behind before ok; among
    /// equals, the one failing or behind for longest first, then by gitdir.
    package static func worstFirst(_ a: (state: RepositoryState, status: RepositoryStatus),
                                   _ b: (state: RepositoryState, status: RepositoryStatus)) -> Bool {
        if a.state.severity != b.state.severity { return a.state.severity > b.state.severity }
        let sinceA = a.status.failingSince ?? a.status.behindSince ?? .infinity
        let sinceB = b.status.failingSince ?? b.status.behindSince ?? .infinity
        if a.state.severity > 0, sinceA != sinceB { return sinceA < sinceB }
        return a.status.gitdir < b.status.gitdir
    }
}

/// /healthz's decision: healthy while the last successful manifest check is
/// recent. Repositories' own states do not count: one broken repository is
/// for the status page, not a reason to restart or page about the mirror.
package enum Health {
    package static func evaluate(lastSuccessfulCheck: Double?, lastError: String?, maxAge: Int, now: Double) -> (healthy: Bool, reason: String) {
        guard let last = lastSuccessfulCheck else { return (false, "no manifest check recorded yet") }
        let age = Int(max(0, now - last))
        guard now - last <= Double(maxAge) else {
            let error = lastError.map { "; the last check failed: " + $0 } ?? ""
            return (false, "the last successful manifest check was \(age) s ago, more than \(maxAge) s\(error)")
        }
        return (true, "ok: the last successful manifest check was \(age) s ago")
    }
}
