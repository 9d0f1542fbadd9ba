import GrokKit

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

    package init() {}

    package init(snapshot: StatusSnapshot, fsck: FsckStatus?, settings: ServeSettings, now: Double) {
        self.snapshot = snapshot
        storeFound = true
        takenAt = now
        var pushes: [String: [PushStatus]] = [:]
        var destinationSet = Set<String>()
        for push in snapshot.pushes where settings.serves(push.gitdir.path) {
            pushes[push.gitdir.path, default: []].append(push)
            destinationSet.insert(push.destination)
        }
        destinations = destinationSet.sorted()
        var rows: [(state: RepositoryState, status: RepositoryStatus)] = []
        for status in snapshot.repositories where settings.serves(status.gitdir.path) {
            rows.append((RepositoryState(status, now: now), status))
        }
        rows.sort(by: RepositoryState.worstFirst)
        for name in RepositoryState.names { counts[name] = 0 }
        repositories.reserveCapacity(rows.count)
        for row in rows {
            let gitdir = row.status.gitdir.path
            let fsckRecord = fsck?[row.status.gitdir.fullpath(in: settings.toplevel)]
            index[gitdir] = repositories.count
            counts[row.state.name, default: 0] += 1
            repositories.append(ServedRepository(status: row.status, state: row.state, pushes: pushes[gitdir] ?? [],
                                                 fsckLastCheck: fsckRecord?.lastCheck))
        }
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
