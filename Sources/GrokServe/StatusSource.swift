import Glibc
import GrokKit
import Synchronization

/// Where the pages get their data: the status store, opened read-only
/// (grok-serve never writes to the mirror), and grok-fsck's statusfile.
/// A view is kept for `maxAge` seconds, so a burst of requests (or a large
/// page and its JSON) reads 30,000 rows once.
package final class StatusSource: Sendable {
    private let settings: ServeSettings
    private let maxAge: Double
    private let store = Mutex<StatusStore?>(nil)
    private let cached = Mutex<StatusView?>(nil)

    package init(settings: ServeSettings, maxAge: Double = 1) {
        self.settings = settings
        self.maxAge = maxAge
    }

    /// The current view; an empty one while the store does not exist yet.
    package func view(now: Double = StatusStore.now()) -> StatusView {
        if let view = cached.withLock({ $0 }), now - view.takenAt < maxAge, now >= view.takenAt { return view }
        let view = load(now: now)
        cached.withLock { $0 = view }
        return view
    }

    /// The repository's history, newest first (empty without a store).
    package func history(_ gitdir: String, limit: Int = 50) -> [StatusEvent] {
        guard let store = openStore() else { return [] }
        return (try? store.history(Gitdir(gitdir), limit: limit)) ?? []
    }

    private func load(now: Double) -> StatusView {
        guard let store = openStore(), let snapshot = try? store.snapshot() else {
            var empty = StatusView()
            empty.takenAt = now
            return empty
        }
        return StatusView(snapshot: snapshot, fsck: readFsckStatus(), settings: settings, now: now)
    }

    private func openStore() -> StatusStore? {
        store.withLock { store in
            if let store { return store }
            guard access(settings.statusStore, F_OK) == 0 else { return nil }
            store = try? StatusStore.openForReading(path: settings.statusStore)
            return store
        }
    }

    private func readFsckStatus() -> FsckStatus? {
        guard let path = settings.fsckStatusFile, let bytes = FileSystem.read(path) else { return nil }
        return try? FsckStatus.decode(bytes)
    }
}
