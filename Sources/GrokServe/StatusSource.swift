import Dispatch
import Glibc
import GrokKit
import Synchronization

/// Where the pages get their data: the status store, opened read-only
/// (grok-serve never writes to the mirror), and grok-fsck's statusfile.
///
/// Requests are answered from the last view built. When the store's files
/// changed since (and the view is over a second old), or the view is over a
/// minute old (states depend on the time), the request still gets the view
/// it finds while one new view is built in the background; only a request
/// with no view at all waits for one. The statusfile is read again at most
/// once a minute, when it changed. /metrics reads sums of its own
/// (`summary`), kept current in the background. After `idleRelease`
/// seconds without a request the view and statusfile are dropped, the
/// store closed and the memory handed back, so an idle grok-serve stays
/// small and builds nothing.
package final class StatusSource: Sendable {
    private struct Cache {
        var view: StatusView?
        var storeIdentity: [FileIdentity?] = []
        var fsck: [String: String] = [:]
        var fsckIdentity: FileIdentity?
        var fsckReadAt: Double = -.infinity
        var lastRequest: Double = 0
        var rebuilding = false
        var summary: MetricsSummary?
        var summaryIdentity: [FileIdentity?] = []
        var summarizing = false
        var lastScrape = -Double.infinity
    }

    private let settings: ServeSettings
    private let minimumAge: Double
    private let store = Mutex<StatusStore?>(nil)
    private let cache = Mutex(Cache())
    /// Serializes builds.
    private let building = Mutex(())
    private let readingFsck = Mutex(())
    package static let maximumAge: Double = 60
    package static let fsckInterval: Double = 60
    package static let idleRelease: Double = 30
    /// How long after a /metrics request the sums are kept current.
    package static let scrapeWindow: Double = 300

    package init(settings: ServeSettings, minimumAge: Double = 1) {
        self.settings = settings
        self.minimumAge = minimumAge
    }

    /// The current view; an empty one while the store does not exist yet.
    package func view(now: Double = StatusStore.now()) -> StatusView {
        let identity = storeIdentity()
        let (cached, refresh) = cache.withLock { cache -> (StatusView?, Bool) in
            cache.lastRequest = now
            guard let view = cache.view else { return (nil, false) }
            let age = now - view.takenAt
            let outdated = age < 0 || age >= Self.maximumAge || (age >= minimumAge && cache.storeIdentity != identity)
            guard outdated, !cache.rebuilding else { return (view, false) }
            cache.rebuilding = true
            return (view, true)
        }
        if let cached {
            if refresh { Task.detached(priority: .utility) { self.build(identity: identity, now: StatusStore.now()) } }
            return cached
        }
        return build(identity: identity, now: now, unlessBuilt: true)
    }

    @discardableResult
    private func build(identity: [FileIdentity?], now: Double, unlessBuilt: Bool = false) -> StatusView {
        building.withLock { _ in
            // Requests that found no view wait here; the first builds it.
            if unlessBuilt, let view = cache.withLock({ $0.view }) { return view }
            let view = load(now: now)
            cache.withLock { cache in
                (cache.view, cache.storeIdentity, cache.rebuilding) = (view, identity, false)
            }
            return view
        }
    }

    /// When no request came for `idleRelease` seconds: drops the cached
    /// view and statusfile (not /metrics' few sums), closes the store (its
    /// page cache goes with it), and returns freed memory to the system.
    package func releaseIfIdle(now: Double = StatusStore.now()) {
        let dropped = cache.withLock { cache -> Bool? in
            guard now - cache.lastRequest > Self.idleRelease, !cache.rebuilding, !cache.summarizing else { return nil }
            let held = cache.view != nil || !cache.fsck.isEmpty
            (cache.view, cache.storeIdentity) = (nil, [])
            (cache.fsck, cache.fsckIdentity, cache.fsckReadAt) = ([:], nil, -.infinity)
            return held
        }
        guard let dropped else { return }
        store.withLock { $0 = nil }
        if dropped { _ = malloc_trim(0) }
    }

    /// The store's manifest checks and heartbeats, read now (empty without
    /// a store).
    package func manifestChecks() -> StatusSnapshot {
        openStore().flatMap { try? $0.manifestChecks() } ?? StatusSnapshot()
    }

    /// The repository's history, newest first (empty without a store).
    package func history(_ gitdir: String, limit: Int = 50) -> [StatusEvent] {
        guard let store = openStore() else { return [] }
        return (try? store.history(Gitdir(gitdir), limit: limit)) ?? []
    }

    private func load(now: Double) -> StatusView {
        let empty = { var view = StatusView(); view.takenAt = now; return view }
        guard let store = openStore(), let checks = try? store.manifestChecks() else { return empty() }
        // Every page shows grok-fsck's lastcheck of its rows: the statusfile
        // (when due) is read on another core while the store is, on a
        // dispatch thread (the two threads of Swift's pool on a two-core
        // machine may both be busy, this build holding one).
        DispatchQueue.global(qos: .userInitiated).async { _ = self.fsckLastChecks() }
        let view = try? StatusView(checks: checks, fsck: { self.fsckLastChecks() }, settings: settings, now: now,
                                   repositories: store.forEachRepository)
        return view ?? empty()
    }

    /// /metrics' sums. They are a few numbers, kept for good, and made
    /// again off the request path: a request that finds the store changed
    /// or the sums a minute old gets them as they are while new ones are
    /// summed in the background, and `refreshSummary()` (every 10 s) sums
    /// again after any write. Only a request before anything was summed
    /// waits (grok-serve sums once at startup).
    package func summary(now: Double = StatusStore.now()) -> MetricsSummary {
        let identity = storeIdentity()
        let (cached, refresh) = cache.withLock { cache -> (MetricsSummary?, Bool) in
            (cache.lastRequest, cache.lastScrape) = (now, now)
            guard let summary = cache.summary else { return (nil, false) }
            let age = now - summary.takenAt
            guard age < 0 || age >= Self.maximumAge || cache.summaryIdentity != identity, !cache.summarizing else { return (summary, false) }
            cache.summarizing = true
            return (summary, true)
        }
        if let cached {
            if refresh { Task.detached(priority: .utility) { self.summarize(identity: identity) } }
            return cached
        }
        return summarize(identity: identity)
    }

    /// Sums again when nothing was summed yet, or when the store changed
    /// since the last sums (grok-pull or grok-push wrote) and /metrics was
    /// asked for in the last `scrapeWindow` seconds; two stat(2) calls
    /// otherwise, so an idle grok-serve, or a busy mirror nobody scrapes,
    /// costs nothing.
    package func refreshSummary(now: Double = StatusStore.now()) {
        let identity = storeIdentity()
        let due = cache.withLock { cache in
            guard !cache.summarizing else { return false }
            let scraped = now - cache.lastScrape < Self.scrapeWindow
            guard cache.summary == nil || (scraped && cache.summaryIdentity != identity) else { return false }
            cache.summarizing = true
            return true
        }
        if due { summarize(identity: identity) }
    }

    /// One pass over the store that keeps no repository.
    @discardableResult
    private func summarize(identity: [FileIdentity?]) -> MetricsSummary {
        let now = StatusStore.now()
        var summary = MetricsSummary(checks: StatusSnapshot(), now: now)
        if let store = openStore(), let checks = try? store.manifestChecks() {
            summary.checks = checks
            try? store.forEachRepository { status, pushes in
                if settings.serves(status.gitdir.path) { summary.add(status, pushes: pushes, now: now) }
            }
        }
        cache.withLock { cache in (cache.summary, cache.summaryIdentity, cache.summarizing) = (summary, identity, false) }
        return summary
    }

    /// The store and its write-ahead log: a write changes one of them.
    private func storeIdentity() -> [FileIdentity?] {
        [FileIdentity(path: settings.statusStore), FileIdentity(path: settings.statusStore + "-wal")]
    }

    private func openStore() -> StatusStore? {
        store.withLock { store in
            if let store { return store }
            guard access(settings.statusStore, F_OK) == 0 else { return nil }
            store = try? StatusStore.openForReading(path: settings.statusStore)
            return store
        }
    }

    /// The statusfile's lastchecks, read again when due; one reader at a
    /// time, so a page that needs them while `load` reads them waits for
    /// that read instead of making its own.
    private func fsckLastChecks() -> [String: String] {
        guard let path = settings.fsckStatusFile else { return [:] }
        return readingFsck.withLock { _ in
            let now = StatusStore.now()
            let (known, identity, readAt) = cache.withLock { ($0.fsck, $0.fsckIdentity, $0.fsckReadAt) }
            guard now - readAt >= Self.fsckInterval || now < readAt else { return known }
            let current = FileIdentity(path: path)
            var checks = known
            if current != identity {
                checks = FileSystem.read(path).flatMap { try? FsckStatus.lastChecks($0) }
                    .map { StatusView.fsckLastChecks($0, toplevel: settings.toplevel) } ?? [:]
            }
            cache.withLock { cache in
                (cache.fsck, cache.fsckIdentity, cache.fsckReadAt) = (checks, current, now)
            }
            return checks
        }
    }
}

/// glibc's malloc_trim(3) (in malloc.h, which the Glibc module leaves out):
/// returns freed heap memory to the system.
@_silgen_name("malloc_trim")
private func malloc_trim(_ pad: Int) -> Int32
