import Glibc
import GrokKit
import Logging
import Synchronization

/// What the archive routes share: where repositories are, the builder, the
/// cache and the bound on concurrent builds.
final class ArchiveService: Sendable {
    let repositories: ServedRepositories
    let source: ArchiveSource
    let cache: ArchiveCache?
    let formats: [ArchiveFormat]
    let jobs: ArchiveJobs
    /// grok-pull's socket, to ask for a revision the mirror lacks.
    let pullSocket: String?
    /// How long a request waits for a requested revision to arrive.
    let wait: Duration

    init(settings: ServeSettings, logger: Logger, source: ArchiveSource = ArchiveSource(), wait: Duration = .seconds(10)) {
        _ = Self.allocatorTuned
        repositories = ServedRepositories(settings: settings)
        self.source = source
        formats = settings.archiveFormats.compactMap(ArchiveFormat.init(rawValue:))
        jobs = ArchiveJobs(limit: settings.archiveJobs)
        pullSocket = settings.pullSocket
        self.wait = wait
        var cache: ArchiveCache?
        if let directory = settings.archiveCache {
            do {
                cache = try ArchiveCache(directory: directory, limit: settings.archiveCacheSize)
            } catch {
                logger.warning("archive_cache: \(error); archives are not cached")
            }
        }
        self.cache = cache
    }

    /// Archive chunks (256 KiB) are allocated on one thread and freed on
    /// another, thousands per download. After the first such free, glibc's
    /// dynamic mmap threshold moves them onto the heap, where 8 concurrent
    /// downloads left about 8 MB of fragments resident (54 MB peak against
    /// 47 MB); a fixed threshold keeps them mapped and returned at once.
    /// (`mallopt(M_MMAP_THRESHOLD, …)`; malloc.h is not in Swift's Glibc
    /// module, and M_MMAP_THRESHOLD is -3.)
    private static let allocatorTuned: Void = {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        _ = unsafeBitCast(symbol, to: Mallopt.self)(-3, 128 << 10)
    }()

    /// The commit `revision` names; when missing and `mayRequest`, asks
    /// grok-pull for the repository and waits for the revision.
    func resolve(gitdir: String, path: String, revision: ArchiveRevision, mayRequest: Bool) async -> String? {
        guard mayRequest, let socket = pullSocket else { return await source.resolve(gitDir: path, revision: revision) }
        return await source.resolve(gitDir: path, revision: revision, waiting: wait) {
            (try? NotificationSender.send(gitdir: gitdir, to: socket)) != nil
        }
    }
}

/// At most `limit` archives built at once.
final class ArchiveJobs: Sendable {
    let limit: Int
    private let running = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    var count: Int { running.load(ordering: .relaxed) }

    /// A slot, released when the slot is; nil when all are taken.
    func acquire() -> ArchiveJobSlot? {
        var current = running.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = running.compareExchange(expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged { return ArchiveJobSlot(jobs: self) }
            current = original
        }
        return nil
    }

    fileprivate func release() { running.subtract(1, ordering: .acquiringAndReleasing) }
}

/// One build's place among `ArchiveJobs`, held by the response body that
/// runs it: released however the body ends, or if it never runs.
final class ArchiveJobSlot: Sendable {
    private let jobs: ArchiveJobs

    fileprivate init(jobs: ArchiveJobs) { self.jobs = jobs }

    deinit { jobs.release() }
}
