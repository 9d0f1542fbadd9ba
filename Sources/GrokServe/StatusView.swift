import GrokKit
import Synchronization

/// One served repository, as the pages show it.
package struct ServedRepository: Sendable {
    package var status: RepositoryStatus
    package var state: RepositoryState
    package var pushes: [PushStatus]
    /// grok-fsck's `lastcheck` (a date or `never`); nil when it has no record.
    package var fsckLastCheck: String?

    package var gitdir: String { status.gitdir.path }
}

/// The store's snapshot as grok-serve shows it: only the repositories it
/// serves, each with its state, worst first, with counts per state.
package struct StatusView: Sendable {
    package var repositories: [ServedRepository] = []
    package var index: [String: Int] = [:]
    package var counts: [String: Int] = [:]
    package var snapshot = StatusSnapshot()
    /// Whether the store exists yet.
    package var storeFound = false
    package var takenAt: Double = 0
    /// The push destinations seen, sorted.
    package var destinations: [String] = []
    /// `/status.json` of this view, made once.
    package let allJSON = Memo()

    package init() {}

    /// `fsck` maps gitdirs to grok-fsck's `lastcheck`. The snapshot lists
    /// repositories by gitdir (the store's byte order), so only the few not
    /// ok need sorting: the ok ones keep that order.
    package init(snapshot: StatusSnapshot, fsck: [String: String], settings: ServeSettings, now: Double) {
        self.snapshot = snapshot
        storeFound = true
        takenAt = now
        var pushes: [String: [PushStatus]] = [:]
        for push in snapshot.pushes { pushes[push.gitdir.path, default: []].append(push) }
        var destinationSet = Set<String>()
        var buckets: [[(state: RepositoryState, status: RepositoryStatus)]] = Array(repeating: [], count: RepositoryState.names.count)
        for status in snapshot.repositories where settings.serves(status.gitdir.path) {
            let state = RepositoryState(status, now: now)
            buckets[state.severity].append((state, status))
        }
        for severity in 1..<buckets.count { buckets[severity].sort(by: RepositoryState.worstFirst) }
        for name in RepositoryState.names { counts[name] = 0 }
        repositories.reserveCapacity(buckets.reduce(0) { $0 + $1.count })
        for row in buckets.reversed().joined() {
            let gitdir = row.status.gitdir.path
            let served = pushes[gitdir] ?? []
            for push in served { destinationSet.insert(push.destination) }
            index[gitdir] = repositories.count
            counts[row.state.name, default: 0] += 1
            repositories.append(ServedRepository(status: row.status, state: row.state, pushes: served, fsckLastCheck: fsck[gitdir]))
        }
        destinations = destinationSet.sorted()
    }

    /// grok-fsck's statusfile as gitdir → `lastcheck` (its keys are full
    /// paths under toplevel).
    package static func fsckLastChecks(_ status: FsckStatus, toplevel: String) -> [String: String] {
        var checks: [String: String] = [:]
        checks.reserveCapacity(status.count)
        let prefix = toplevel.hasSuffix("/") ? String(toplevel.dropLast()) : toplevel
        for path in status.paths where path.hasPrefix(prefix + "/") {
            if let check = status[path]?.lastCheck { checks[String(path.dropFirst(prefix.count))] = check }
        }
        return checks
    }

    package func repository(_ gitdir: String) -> ServedRepository? { index[gitdir].map { repositories[$0] } }

    /// The repositories whose gitdir contains `query` (case-insensitive)
    /// and, with `state`, in that state.
    package func filtered(query: String, state: String?) -> [ServedRepository] {
        let needle = query.lowercased()
        guard !needle.isEmpty || state != nil else { return repositories }
        return repositories.filter { repository in
            (state == nil || repository.state.name == state) && (needle.isEmpty || repository.gitdir.lowercased().contains(needle))
        }
    }

    /// Whether a destination is behind on the repository: never pushed,
    /// failing, or pushed before the repository last changed.
    package static func isBehind(_ push: PushStatus, _ status: RepositoryStatus) -> Bool {
        guard let pushed = push.lastSuccess else { return true }
        if push.consecutiveFailures > 0 { return true }
        return (status.lastSuccess ?? 0) > pushed
    }
}

/// A value computed once per view, on first use.
package final class Memo: Sendable {
    private let value = Mutex<[UInt8]?>(nil)

    package init() {}

    package func get(_ make: () -> [UInt8]) -> [UInt8] {
        value.withLock { value in
            if let value { return value }
            let made = make()
            value = made
            return made
        }
    }
}
