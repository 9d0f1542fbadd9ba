import GrokKit
import Synchronization

/// One served repository, as the pages show it.
package struct ServedRepository: Sendable {
    package var status: RepositoryStatus
    package var state: RepositoryState
    package var pushes: [PushStatus]

    package var gitdir: String { status.gitdir.path }
}

/// The store's snapshot as grok-serve shows it: only the repositories it
/// serves, each with its state, worst first, with counts per state.
package struct StatusView: Sendable {
    package var repositories: [ServedRepository] = []
    package var counts: [String: Int] = [:]
    /// The store's manifest checks and heartbeats (its repositories and
    /// pushes are in `repositories`).
    package var snapshot = StatusSnapshot()
    /// Whether the store exists yet.
    package var storeFound = false
    package var takenAt: Double = 0
    /// The push destinations seen, sorted.
    package var destinations: [String] = []
    /// `/status.json` of this view, made once.
    package let allJSON = Memo<[UInt8]>()
    /// gitdir → position in `repositories`, made on the first lookup.
    private let index = Memo<[String: Int]>()
    /// gitdir → grok-fsck's `lastcheck`, read on first use: the pages show
    /// it, while /metrics never waits for a 30,000-record statusfile.
    private let fsck = Memo<[String: String]>()
    private var readFsck: @Sendable () -> [String: String] = { [:] }

    package init() {}

    /// The view of `snapshot` (tests build views from one).
    package init(snapshot: StatusSnapshot, fsck: @escaping @Sendable () -> [String: String], settings: ServeSettings, now: Double) {
        self.init(checks: snapshot, fsck: fsck, settings: settings, now: now) { body in snapshot.forEachRepository(body) }
    }

    /// The view of the repositories `feed` hands over (in gitdir order, each
    /// with its pushes: `StatusStore.forEachRepository`), with `checks`'
    /// manifest checks and heartbeats. `fsck` gives gitdirs' grok-fsck
    /// `lastcheck` (called once, when a page first needs it). Only the few
    /// repositories not ok are sorted: the ok ones keep the store's order.
    package init(checks: StatusSnapshot, fsck: @escaping @Sendable () -> [String: String], settings: ServeSettings, now: Double,
                 repositories feed: ((RepositoryStatus, [PushStatus]) -> Void) throws -> Void) rethrows {
        storeFound = true
        readFsck = fsck
        takenAt = now
        var buckets: [[ServedRepository]] = Array(repeating: [], count: RepositoryState.names.count)
        var destinationSet = Set<String>()
        try feed { status, pushes in
            guard settings.serves(status.gitdir.path) else { return }
            for push in pushes { destinationSet.insert(push.destination) }
            let state = RepositoryState(status, now: now)
            buckets[state.severity].append(ServedRepository(status: status, state: state, pushes: pushes))
        }
        for severity in 1..<buckets.count {
            buckets[severity].sort { RepositoryState.worstFirst(($0.state, $0.status), ($1.state, $1.status)) }
        }
        for (severity, name) in RepositoryState.names.reversed().enumerated() { counts[name] = buckets[severity].count }
        repositories.reserveCapacity(buckets.reduce(0) { $0 + $1.count })
        for bucket in buckets.reversed() { repositories += bucket }
        destinations = destinationSet.sorted()
        snapshot = checks
        snapshot.repositories = []
        snapshot.pushes = []
    }

    /// grok-fsck's statusfile as gitdir → `lastcheck` (its keys are full
    /// paths under toplevel).
    package static func fsckLastChecks(_ records: [(path: String, lastCheck: String?)], toplevel: String) -> [String: String] {
        var checks: [String: String] = [:]
        checks.reserveCapacity(records.count)
        let prefix = toplevel.hasSuffix("/") ? String(toplevel.dropLast()) : toplevel
        for (path, lastCheck) in records where path.hasPrefix(prefix + "/") {
            checks[String(path.dropFirst(prefix.count))] = lastCheck  // a later duplicate without one wins, as in Python
        }
        return checks
    }

    /// grok-fsck's `lastcheck` of the repository (a date or `never`); nil
    /// when its statusfile has no record of it.
    package func fsckLastCheck(_ row: ServedRepository) -> String? {
        fsck.get(readFsck)[row.gitdir]
    }

    package func repository(_ gitdir: String) -> ServedRepository? {
        let positions = index.get {
            var positions: [String: Int] = [:]
            positions.reserveCapacity(repositories.count)
            for (position, row) in repositories.enumerated() { positions[row.gitdir] = position }
            return positions
        }
        return positions[gitdir].map { repositories[$0] }
    }

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
package final class Memo<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)

    package init() {}

    package func get(_ make: () -> Value) -> Value {
        value.withLock { value in
            if let value { return value }
            let made = make()
            value = made
            return made
        }
    }
}
