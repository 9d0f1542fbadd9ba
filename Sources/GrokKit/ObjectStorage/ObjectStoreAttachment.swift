import Glibc
import Logging

/// grok-pull's side of object storage: a new clone in a forkgroup borrows
/// from `objstore/<forkgroup>.git` before its first fetch, so it downloads
/// only what the objstore lacks; afterwards its new objects go into the
/// objstore for the next fork.
package struct ObjectStoreAttachment: Sendable {
    package let objstore: String
    package let plumbing: Bool
    package let preloadBundleURL: String?
    let git: GitRunner
    let logger: Logger

    package init(objstore: String, plumbing: Bool, preloadBundleURL: String?, git: GitRunner, logger: Logger) {
        self.objstore = objstore
        self.plumbing = plumbing
        self.preloadBundleURL = preloadBundleURL
        self.git = git
        self.logger = logger
    }

    package func storePath(_ forkgroup: String) -> String { objstore + "/" + forkgroup + ".git" }

    /// Makes the empty repository at `path` borrow from the forkgroup's
    /// objstore repository, creating that when missing: `sibling`, a
    /// standalone local relative, moves in first (so the clone shares its
    /// objects at once), else a preload bundle seeds it. The objstore's
    /// lock is held throughout, so grok-fsck cannot see it unused and
    /// delete it halfway.
    package func attach(_ path: String, forkgroup: String, isPrivate: Bool, migrating sibling: String?) async throws(ObjectStoreRepository.Failure) {
        guard FileSystem.makeDirectories(objstore) else { throw .init(message: "cannot create \(objstore): \(FileSystem.errorDescription())") }
        let location = storePath(forkgroup)
        do {
            _ = try await FileLock.exclusively(for: location) {
                try await attachLocked(path, forkgroup: forkgroup, location: location, isPrivate: isPrivate, migrating: sibling)
            }
        } catch let error as ObjectStoreRepository.Failure {
            throw error
        } catch {
            throw .init(message: "\(error)")
        }
    }

    private func attachLocked(_ path: String, forkgroup: String, location: String, isPrivate: Bool, migrating sibling: String?) async throws(ObjectStoreRepository.Failure) {
        let store: ObjectStoreRepository
        if BareRepository.isBare(location) && BareRepository.isObjectStore(location) {
            store = ObjectStoreRepository(path: PathUtilities.realpath(location), git: git)
        } else {
            store = try await ObjectStoreRepository.create(in: objstore, name: forkgroup, git: git)
            logger.info(" objstore: created \(forkgroup).git")
            if let sibling { await migrate(sibling, into: store) }
            if isEmpty(store.path), let preloadBundleURL { await preload(store, from: preloadBundleURL) }
        }
        guard Alternates.borrow(path, from: store.path) else { throw .init(message: "cannot write \(path)/objects/info/alternates") }
        if isPrivate {
            try store.recordInTelltale(path)
        } else {
            try await store.addSibling(path)
        }
    }

    /// Whether the objstore repository holds no objects yet.
    package func isEmpty(_ store: String) -> Bool {
        let counts = ObjectCounts.measure(gitDir: store)
        return counts.loose == 0 && counts.inPack == 0
    }

    /// Fetches a borrower's objects and refs into its objstore repository
    /// (registering it when the objstore does not know it yet); plumbing
    /// falls back to `git fetch`.
    /// Without `wait`, an objstore another process holds is left for
    /// grok-fsck to fetch into (a push hook must not hang on a repack).
    @discardableResult
    package func fetchIn(_ path: String, store storePath: String, wait: Bool = true) async -> Bool {
        let store = ObjectStoreRepository(path: storePath, git: git)
        let plumbing = self.plumbing
        do {
            let done: Void? = try await FileLock.exclusively(for: storePath, wait: wait) {
                try await store.addSibling(path)
                try await store.bringIn(path, plumbing: plumbing)
            }
            if done == nil { logger.info(" objstore: \(PathUtilities.basename(storePath)) is busy, leaving \(path) to grok-fsck") }
            return done != nil
        } catch {
            logger.error("Could not fetch objects from \(path) to \(storePath): \(error)")
            return false
        }
    }

    /// A standalone local relative joins the new objstore: fetched in,
    /// then borrowing, then a quick repack drops its now-shared copies.
    private func migrate(_ sibling: String, into store: ObjectStoreRepository) async {
        guard Alternates.borrowedRepository(of: sibling) == nil, let lock = try? FileLock.tryAcquire(for: sibling) else { return }
        defer { lock.release() }
        logger.info(" objstore: moving \(sibling) into \(PathUtilities.basename(store.path))")
        do {
            try await store.addSibling(sibling)
            try await store.fetch(sibling)
        } catch {
            logger.error("Could not move \(sibling) into \(store.path): \(error.message)")
            return
        }
        guard Alternates.borrow(sibling, from: store.path) else { return }
        if let result = try? await git.run(gitDir: sibling, ["repack", "-Adlq"]), !result.succeeded {
            logger.debug("Could not repack \(sibling): \(result.errorOutput)")
        }
    }

    /// Seeds an empty objstore from `<url>/<forkgroup>.bundle` (made by the
    /// origin's grok-fsck); any failure just means a normal clone follows.
    private func preload(_ store: ObjectStoreRepository, from url: String) async {
        let name = store.forkgroup + ".bundle"
        let bundle = objstore + "/" + name
        defer { unlink(bundle) }
        logger.info(" objstore: downloading \(name)")
        do { try await HTTPClient().download((url.hasSuffix("/") ? url : url + "/") + name, to: bundle) } catch {
            logger.info(" objstore: no preload from \(name): \(error.description)")
            return
        }
        logger.info(" objstore: preloading \(name)")
        guard let result = try? await git.run(gitDir: store.path, ["fetch", "--quiet", "--", bundle, "+refs/*:refs/*"], timeout: nil),
              result.succeeded else {
            logger.info(" objstore: failed to preload from \(name)")
            return
        }
        _ = try? await git.run(gitDir: store.path, ["pack-refs", "--all"])
        logger.info(" objstore: successful preload from \(name)")
    }
}
