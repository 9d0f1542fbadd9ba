import Glibc
import Logging

/// grok-fsck's first object-storage pass, one repository at a time: a
/// standalone repository with relatives gets an objstore repository (an
/// existing one that fits, else a new one), a grokmirror 1.x child moves
/// from its alternates parent to an objstore along with the parent, and a
/// borrower its objstore does not know yet is registered.
///
/// Every step keeps each repository whole if interrupted: the objstore
/// fetches a repository's objects before that repository's alternates
/// point at it, and only the quick repack the caller runs afterwards drops
/// the repository's own copies. A private repository borrows but is never
/// fetched in, so its objects never reach another repository's refs.
package struct ObjectStoreMigration: Sendable {
    package enum Outcome: Sendable, Equatable {
        case unchanged
        /// These repositories now borrow from an objstore repository; a
        /// quick repack drops the objects it holds.
        case migrated(repack: [String])
        case failed(String)
    }

    package struct Settings: Sendable {
        package var objstore: String
        package var toplevel: String
        package var baselines: [Glob] = []
        package var privateRepos: [Glob] = []
        package init(objstore: String, toplevel: String) {
            self.objstore = objstore
            self.toplevel = PathUtilities.realpath(toplevel)
        }
    }

    let settings: Settings
    let git: GitRunner
    let logger: Logger
    /// Root commits of the repositories under toplevel (realpaths).
    let repositoryRoots: SiblingMatch.Index<ExactKey>
    /// Root commits of the objstore repositories, refreshed as they take
    /// repositories in.
    package private(set) var storeRoots: [String: Set<String>] {
        didSet { knownBaselineHolders = nil }
    }
    private var migratedParents: Set<ExactKey> = []
    /// Each objstore repository's siblings (virtref → fullpath) as its
    /// config lists them, read once per run: every borrower is looked up in
    /// them, and a big forkgroup's config has hundreds of remotes.
    private var storeSiblings: [String: [String: String]] = [:] {
        didSet { knownBaselineHolders = nil }
    }
    /// The objstore repositories holding a baseline repository, worked out
    /// again only after the stores or their siblings change.
    private var knownBaselineHolders: Set<String>?
    /// Some repository changed objstore this run.
    package private(set) var changed = false

    /// Reads the root commits of every repository (cached in
    /// `grokmirror.roots` after the first time).
    package static func scan(_ settings: Settings, git: GitRunner, logger: Logger) async -> ObjectStoreMigration {
        logger.info("   search: getting parent commit info from all repos, may take a while")
        let roots = RootCommits(git: git)
        var repositoryRoots: [ExactKey: Set<String>] = [:]
        for path in RepositoryWalker(excludeObjectStores: true).findAll(under: settings.toplevel) where FileSystem.kind(path) != .symlink {
            let realpath = PathUtilities.realpath(path)
            if PathUtilities.isInside(realpath, root: settings.objstore) { continue }
            if let found = await roots.of(realpath) { repositoryRoots[ExactKey(realpath)] = found }
        }
        var storeRoots: [String: Set<String>] = [:]
        for path in ObjectStoreMigration.objectStores(in: settings.objstore) {
            if let found = await roots.of(path) { storeRoots[path] = found }
        }
        return ObjectStoreMigration(settings: settings, git: git, logger: logger, repositoryRoots: SiblingMatch.Index(repositoryRoots), storeRoots: storeRoots)
    }

    /// The repositories directly under the objstore directory (realpaths).
    package static func objectStores(in objstore: String) -> [String] {
        guard FileSystem.isDirectory(objstore) else { return [] }
        return RepositoryWalker(excludeObjectStores: false).findAll(under: objstore)
            .filter { FileSystem.kind($0) != .symlink }.map(PathUtilities.realpath).sorted()
    }

    /// `realpath` is the repository's, resolved (as the scan keyed them).
    package mutating func migrate(_ realpath: String, gitdir: String, borrowed: String?) async -> Outcome {
        if let borrowed, PathUtilities.isInside(borrowed, root: settings.objstore) {
            if !isMarkedPrivate(gitdir) { return await register(realpath, gitdir: gitdir, in: ObjectStoreRepository(path: borrowed, git: git)) }
            return .unchanged
        }
        if FileSystem.exists(realpath + "/" + MarkerFile.doNotObjstore) { return .unchanged }
        // Most repositories have nowhere to go; only a move takes the lock.
        let placement = borrowed == nil ? placement(of: realpath, gitdir: gitdir) : nil
        if borrowed == nil && placement == nil { return .unchanged }
        guard let lock = try? FileLock.tryAcquire(for: realpath) else {
            logger.info("     wait: \(gitdir) is locked, moving it into an objstore next run")
            return .unchanged
        }
        defer { lock.release() }
        switch (borrowed, placement) {
        case (let parent?, _): return await migrateChild(realpath, gitdir: gitdir, parent: parent)
        case (nil, let placement?): return await giveObjectStore(realpath, gitdir: gitdir, placement: placement)
        case (nil, nil): return .unchanged
        }
    }

    // MARK: Steps

    /// Where a standalone repository goes: an objstore repository that
    /// fits, or a new one seeded from it (or, for a private repository, from
    /// a public relative, since a private one never lends).
    enum Placement {
        case existing(String)
        case new(seed: String)
    }

    private mutating func placement(of realpath: String, gitdir: String) -> Placement? {
        if let best = bestStore(for: realpath) { return .existing(best) }
        guard let roots = repositoryRoots.known[ExactKey(realpath)] else { return nil }
        let relatives = repositoryRoots.siblings(of: ExactKey(realpath), roots: roots, exact: false)
        guard !relatives.isEmpty else { return nil }
        guard isMarkedPrivate(gitdir) else { return .new(seed: realpath) }
        return relatives.sorted().map(\.string).first { !isMarkedPrivate(relativeGitdir(of: $0)) }.map { .new(seed: $0) }
    }

    private mutating func giveObjectStore(_ realpath: String, gitdir: String, placement: Placement) async -> Outcome {
        switch placement {
        case .existing(let best):
            let store = ObjectStoreRepository(path: best, git: git)
            logger.info("\(gitdir): can use \(PathUtilities.basename(best))")
            if !isMarkedPrivate(gitdir) {
                guard await fetchIn(realpath, to: store, label: gitdir) else { return .failed("cannot fetch \(realpath) into \(best)") }
            }
            return borrow(realpath, from: store, repack: [realpath])
        case .new(let seed):
            let store: ObjectStoreRepository
            do { store = try await ObjectStoreRepository.create(in: settings.objstore, git: git) } catch {
                return .failed("cannot create an objstore repository for \(realpath): \(error.message)")
            }
            logger.info("\(gitdir): can use \(PathUtilities.basename(store.path))")
            logger.info("     init: new objstore repo \(PathUtilities.basename(store.path))")
            guard await fetchIn(seed, to: store, label: relativeGitdir(of: seed)) else { return .failed("cannot fetch \(seed) into \(store.path)") }
            return borrow(realpath, from: store, repack: [realpath])
        }
    }

    /// A grokmirror 1.x child: its parent goes into an objstore first (it
    /// then borrows from it too, keeping its other children whole through
    /// the chain), then the child.
    private mutating func migrateChild(_ realpath: String, gitdir: String, parent: String) async -> Outcome {
        let store: ObjectStoreRepository
        if let best = bestStore(for: realpath) {
            store = ObjectStoreRepository(path: best, git: git)
        } else {
            do { store = try await ObjectStoreRepository.create(in: settings.objstore, git: git) } catch {
                return .failed("cannot create an objstore repository for \(parent): \(error.message)")
            }
            logger.info("     init: new objstore repo \(PathUtilities.basename(store.path))")
        }
        logger.info("\(gitdir): migrating to \(PathUtilities.basename(store.path))")
        var repack: [String] = []
        if !migratedParents.contains(ExactKey(parent)) {
            migratedParents.insert(ExactKey(parent))
            guard await fetchIn(parent, to: store, label: "\(relativeGitdir(of: parent)) (previous parent)"),
                  Alternates.borrow(parent, from: store.path) else {
                return .failed("cannot move \(parent) into \(store.path)")
            }
            repack.append(parent)
        }
        if isMarkedPrivate(gitdir) {
            // Take in what the parent lent before borrowing elsewhere.
            logger.info("    fetch: restoring private repo \(gitdir)")
            guard let result = try? await git.run(gitDir: realpath, ["repack", "-a", "-q"]), result.succeeded else {
                return .failed("cannot repack \(realpath) before moving it into \(store.path)")
            }
        } else {
            guard await fetchIn(realpath, to: store, label: gitdir) else { return .failed("cannot fetch \(realpath) into \(store.path)") }
        }
        return borrow(realpath, from: store, repack: repack + [realpath])
    }

    /// A borrower its objstore does not track yet (copied or cloned by
    /// hand): register it so its objects and refs get fetched in.
    private mutating func register(_ realpath: String, gitdir: String, in store: ObjectStoreRepository) async -> Outcome {
        let virtref = Virtref.of(realpath)
        guard siblings(of: store.path)[virtref] == nil else { return .unchanged }
        guard let lock = try? FileLock.acquire(for: store.path) else { return .failed("cannot lock \(store.path)") }
        defer { lock.release() }
        // addSibling checks the config again, under the lock.
        do { try await store.addSibling(realpath) } catch { return .failed(error.message) }
        storeSiblings[store.path]?[virtref] = realpath
        logger.info(" reconfig: \(gitdir) to fetch into \(PathUtilities.basename(store.path))")
        return .unchanged
    }

    // MARK: Helpers

    private mutating func fetchIn(_ repository: String, to store: ObjectStoreRepository, label: String) async -> Bool {
        logger.info("    fetch: fetching \(label)")
        guard let lock = try? FileLock.acquire(for: store.path) else { return false }
        defer { lock.release() }
        storeSiblings[store.path] = nil
        do {
            try await store.addSibling(repository)
            try await store.fetch(repository)
        } catch {
            logger.critical("Unsuccessful fetching \(repository) into \(PathUtilities.basename(store.path)): \(error.message)")
            return false
        }
        if let roots = await RootCommits(git: git).of(store.path, refresh: true) { storeRoots[store.path] = roots }
        return true
    }

    private mutating func borrow(_ realpath: String, from store: ObjectStoreRepository, repack: [String]) -> Outcome {
        guard Alternates.borrow(realpath, from: store.path) else { return .failed("cannot write \(realpath)/objects/info/alternates") }
        changed = true
        if storeRoots[store.path] == nil, let roots = repositoryRoots.known[ExactKey(realpath)] { storeRoots[store.path] = roots }
        return .migrated(repack: repack)
    }

    private mutating func bestStore(for realpath: String) -> String? {
        guard let roots = repositoryRoots.known[ExactKey(realpath)] else { return nil }
        let holders = baselineHolders()
        return SiblingMatch.bestObjectStore(for: roots, excluding: realpath, candidates: storeRoots, holdsBaseline: holders.contains)
    }

    private mutating func baselineHolders() -> Set<String> {
        if let known = knownBaselineHolders { return known }
        var holders: Set<String> = []
        if !settings.baselines.isEmpty {
            for store in storeRoots.keys where siblings(of: store).values.contains(where: { settings.baselines.anyMatches(relativeGitdir(of: $0)) }) {
                holders.insert(store)
            }
        }
        knownBaselineHolders = holders
        return holders
    }

    private mutating func siblings(of store: String) -> [String: String] {
        if let known = storeSiblings[store] { return known }
        let known = Dictionary(ObjectStoreRepository(path: store, git: git).siblings.map { ($0.virtref, $0.fullpath) },
                               uniquingKeysWith: { first, _ in first })
        storeSiblings[store] = known
        return known
    }

    private func isMarkedPrivate(_ gitdir: String) -> Bool { settings.privateRepos.anyMatches(gitdir) }

    private func relativeGitdir(of fullpath: String) -> String {
        Gitdir.of(fullpath: PathUtilities.realpath(fullpath), toplevel: settings.toplevel)?.path ?? fullpath
    }
}
