import Glibc
import GrokKit
import Synchronization

/// Where the pages get their data: the status store, opened read-only
/// (grok-serve never writes to the mirror), and grok-fsck's statusfile.
///
/// The view is built again only when the store's files changed (and at most
/// once a second while they keep changing), or after a minute, for the
/// states that depend on the time. The statusfile is read again at most once
/// a minute, when it changed. After `idleRelease` seconds without a request
/// everything cached is dropped and the memory handed back, so an idle
/// grok-serve stays small.
package final class StatusSource: Sendable {
    private struct Cache {
        var view: StatusView?
        var storeIdentity: [FileIdentity?] = []
        var fsck: [String: String] = [:]
        var fsckIdentity: FileIdentity?
        var fsckReadAt: Double = -.infinity
        var lastRequest: Double = 0
    }

    private let settings: ServeSettings
    private let minimumAge: Double
    private let store = Mutex<StatusStore?>(nil)
    private let cache = Mutex(Cache())
    /// Serializes rebuilds, so a burst of requests after a change builds once.
    private let building = Mutex(())
    package static let maximumAge: Double = 60
    package static let fsckInterval: Double = 60
    package static let idleRelease: Double = 30

    package init(settings: ServeSettings, minimumAge: Double = 1) {
        self.settings = settings
        self.minimumAge = minimumAge
    }

    /// The current view; an empty one while the store does not exist yet.
    package func view(now: Double = StatusStore.now()) -> StatusView {
        let identity = storeIdentity()
        if let view = fresh(identity: identity, now: now) { return view }
        return building.withLock { _ in
            if let view = fresh(identity: identity, now: now) { return view }
            let fsck = fsckLastChecks(now: now)
            let view = load(fsck: fsck, now: now)
            cache.withLock { cache in
                cache.view = view
                cache.storeIdentity = identity
            }
            return view
        }
    }

    private func fresh(identity: [FileIdentity?], now: Double) -> StatusView? {
        cache.withLock { cache in
            cache.lastRequest = now
            guard let view = cache.view, now >= view.takenAt, now - view.takenAt < Self.maximumAge else { return nil }
            return now - view.takenAt < minimumAge || cache.storeIdentity == identity ? view : nil
        }
    }

    /// Drops the cached view and statusfile when no request came for
    /// `idleRelease` seconds, and returns freed memory to the system.
    package func releaseIfIdle(now: Double = StatusStore.now()) {
        let released = cache.withLock { cache in
            guard cache.view != nil, now - cache.lastRequest > Self.idleRelease else { return false }
            cache = Cache()
            return true
        }
        if released { _ = malloc_trim(0) }
    }

    /// The repository's history, newest first (empty without a store).
    package func history(_ gitdir: String, limit: Int = 50) -> [StatusEvent] {
        guard let store = openStore() else { return [] }
        return (try? store.history(Gitdir(gitdir), limit: limit)) ?? []
    }

    private func load(fsck: [String: String], now: Double) -> StatusView {
        guard let store = openStore(), let snapshot = try? store.snapshot() else {
            var empty = StatusView()
            empty.takenAt = now
            return empty
        }
        return StatusView(snapshot: snapshot, fsck: fsck, settings: settings, now: now)
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

    private func fsckLastChecks(now: Double) -> [String: String] {
        guard let path = settings.fsckStatusFile else { return [:] }
        let (known, identity, readAt) = cache.withLock { ($0.fsck, $0.fsckIdentity, $0.fsckReadAt) }
        guard now - readAt >= Self.fsckInterval || now < readAt else { return known }
        let current = FileIdentity(path: path)
        var checks = known
        if current != identity {
            checks = FileSystem.read(path).flatMap { try? FsckStatus.decode($0) }
                .map { StatusView.fsckLastChecks($0, toplevel: settings.toplevel) } ?? [:]
        }
        cache.withLock { cache in
            (cache.fsck, cache.fsckIdentity, cache.fsckReadAt) = (checks, current, now)
        }
        return checks
    }
}

/// glibc's malloc_trim(3) (in malloc.h, which the Glibc module leaves out):
/// returns freed heap memory to the system.
@_silgen_name("malloc_trim")
private func malloc_trim(_ pad: Int) -> Int32
