import Glibc
import Logging

/// grok-fsck's pass over the objstore repositories, before any repack:
/// merge redundant ones, delete unused ones, keep each one's siblings
/// (remotes, telltale, fetched objects, virtual refs) in step with who
/// borrows from it, and set baselines and the delta-island core.
package struct ObjectStoreUpkeep: Sendable {
    package enum MergeStrategy: String, Sendable {
        /// Equal root-commit sets.
        case exact
        /// Related root-commit sets (subset, or a root or two apart).
        case loose
        /// At least 75 % of the blobs by size shared both ways.
        case blobs
    }

    package struct Settings: Sendable {
        package var objstore: String
        package var toplevel: String
        package var baselines: [Glob] = []
        package var islandCores: [Glob] = []
        package var mergeStrategy = MergeStrategy.exact
        package var plumbing = false
        package init(objstore: String, toplevel: String) {
            self.objstore = objstore
            self.toplevel = PathUtilities.realpath(toplevel)
        }
    }

    package struct Report: Sendable {
        /// Objstore repositories that need a full repack now (merged into,
        /// trimmed, or a new island core).
        package var changed: Set<String> = []
        package var deleted: Set<String> = []
        /// The borrower map after merges moved siblings.
        package var borrowers = BorrowerMap()
        /// What the manifest should say about each sibling.
        package var links: [(gitdir: String, forkgroup: String, reference: String?)] = []
    }

    let settings: Settings
    let git: GitRunner
    let logger: Logger

    package init(settings: Settings, git: GitRunner, logger: Logger) {
        self.settings = settings
        self.git = git
        self.logger = logger
    }

    /// `borrowers`: realpath of each lender → realpaths of its borrowers;
    /// `storeRoots`: root commits of each objstore repository; `listed`:
    /// whether a gitdir is in the manifest.
    package func run(borrowers: BorrowerMap, storeRoots: [String: Set<String>], listed: (String) -> Bool) async -> Report {
        var borrowers = borrowers
        var report = Report()
        if let unseen = borrowers.unseen.first {
            // A borrower there would be missing from the map: merging, trimming
            // or deleting could take objects it needs.
            logger.warning("Objstore upkeep skipped: \(unseen) cannot be looked into (unreadable, or a name that is not UTF-8)")
            report.borrowers = borrowers
            return report
        }
        let stores = ObjectStoreMigration.objectStores(in: settings.objstore)
        logger.info("Analyzing \(settings.objstore) (\(stores.count) repos)")
        for path in stores {
            let store = ObjectStoreRepository(path: path, git: git)
            if borrowers.lends(path) {
                let redundant = await redundantStores(of: path, among: stores.filter { !report.deleted.contains($0) }, roots: storeRoots)
                if !redundant.isEmpty, let destination = await merge(redundant.union([path]), borrowers: &borrowers) {
                    report.changed.insert(destination)
                }
            }
            if !borrowers.lends(path) {
                if await deleteUnused(store) { report.deleted.insert(path) }
                continue
            }
            if await maintainSiblings(of: store, users: borrowers.borrowers(of: path), listed: listed, report: &report) {
                report.changed.insert(path)
            }
        }
        report.changed.subtract(report.deleted)
        report.borrowers = borrowers
        return report
    }

    // MARK: Merging

    private func redundantStores(of path: String, among stores: [String], roots: [String: Set<String>]) async -> Set<String> {
        switch settings.mergeStrategy {
        case .exact, .loose:
            guard let mine = roots[path] else { return [] }
            return SiblingMatch.siblings(of: path, roots: mine, among: roots.filter { stores.contains($0.key) }, exact: settings.mergeStrategy == .exact)
        case .blobs:
            let inventory = BlobInventory(git: git)
            let mine = await inventory.of(path)
            var found: Set<String> = []
            for other in stores where other != path {
                if ObjectStorePlan.sharesBlobs(mine, await inventory.of(other)) {
                    logger.info(" siblings: \(PathUtilities.basename(path)) and \(PathUtilities.basename(other))")
                    found.insert(other)
                }
            }
            return found
        }
    }

    /// Moves every sibling of the redundant objstore repositories into the
    /// one with the most siblings: fetched there first, then its
    /// alternates repointed, then its remote removed from the old one.
    /// Private borrowers stay where they are (they are not fetched in
    /// anywhere), which keeps the old objstore alive for them.
    private func merge(_ group: Set<String>, borrowers: inout BorrowerMap) async -> String? {
        let used = group.filter { borrowers.lends($0) }
        var counts: [String: Int] = [:]
        for path in used { counts[path] = ObjectStoreRepository(path: path, git: git).siblings.count }
        guard let destinationPath = ObjectStorePlan.mergeDestination(siblingCounts: counts) else { return nil }
        let destination = ObjectStoreRepository(path: destinationPath, git: git)
        for sourcePath in used.sorted() where sourcePath != destinationPath {
            let source = ObjectStoreRepository(path: sourcePath, git: git)
            logger.info("\(PathUtilities.basename(sourcePath)): merging into \(PathUtilities.basename(destinationPath))")
            for (virtref, url) in source.siblings {
                let child = PathUtilities.realpath(url)
                guard borrowers.borrows(child, from: sourcePath) else {
                    await locked(source) { try await source.removeSibling(virtref: virtref) }
                    continue
                }
                guard let childLock = try? FileLock.tryAcquire(for: child) else {
                    logger.info("     wait: \(child) is locked, moving it next run")
                    continue
                }
                defer { childLock.release() }
                logger.info("   moving: \(child)")
                let fetched = await locked(destination) {
                    try await destination.addSibling(child)
                    try await destination.fetch(child)
                }
                guard fetched else { continue }
                guard Alternates.borrow(child, from: destinationPath) else {
                    logger.critical("Cannot repoint \(child) at \(destinationPath)")
                    continue
                }
                borrowers.move(child, from: sourcePath, to: destinationPath)
                await locked(source) { try await source.removeSibling(virtref: virtref) }
            }
        }
        return destinationPath
    }

    // MARK: Deleting

    /// Deletes an objstore repository nothing borrows from, after checking
    /// again under its lock (grok-pull may have just started a clone
    /// against it: it registers the clone under the same lock). Only a
    /// bare repository with the `grokmirror.objstore` telltale, holding no
    /// other repository, inside the objstore directory is deleted (see
    /// `RepositoryDeletion`); each refusal is logged.
    private func deleteUnused(_ store: ObjectStoreRepository) async -> Bool {
        let name = PathUtilities.basename(store.path)
        let root = PathUtilities.realpath(settings.objstore)
        guard PathUtilities.isInside(store.path, root: root), ExactKey(store.path) != ExactKey(root),
              let target = try? ContainedPath(toplevel: root, gitdir: Gitdir(String(store.path.dropFirst(root == "/" ? 0 : root.count)))) else {
            logger.warning("\(store.path): nothing borrows from it, but it is not inside \(root); leaving it alone")
            return false
        }
        if let why = RepositoryDeletion.refusal(.at(store.path), for: .objectStore) {
            logger.warning("\(name): nothing borrows from it, but \(why); leaving it alone")
            return false
        }
        guard let lock = try? FileLock.tryAcquire(for: store.path) else { return false }
        defer { lock.release() }
        let claimed = Set(store.telltaleSiblings() + store.siblings.map(\.fullpath))
        if claimed.contains(where: { Alternates.borrowedRepository(of: $0).map(ExactKey.init) == ExactKey(store.path) }) { return false }
        // A sibling whose directory is gone along with its parent may be on
        // a filesystem that is not mounted: it would come back broken.
        if let unseen = claimed.sorted().first(where: { !FileSystem.isDirectory(PathUtilities.dirname($0)) }) {
            logger.warning("\(name): nothing borrows from it, but \(unseen) is out of sight (unmounted?); keeping it")
            return false
        }
        logger.info("\(name): deleting (no longer used by anything)")
        do { try target.remove() } catch {
            logger.error("\(error)")
            return false
        }
        return true
    }

    // MARK: Siblings

    /// Returns whether the objstore repository needs a full repack.
    private func maintainSiblings(of store: ObjectStoreRepository, users: Set<ExactKey>, listed: (String) -> Bool, report: inout Report) async -> Bool {
        let name = PathUtilities.basename(store.path)
        if Set(store.telltaleSiblings().map(ExactKey.init)) != users {
            await locked(store) { try store.writeTelltale(siblings: users.sorted().map(\.string)) }
        }
        var valid: Set<String> = []
        var siblings: [ObjectStorePlan.Sibling] = []
        var children: [String] = []
        for (virtref, url) in store.siblings {
            let child = PathUtilities.realpath(url)
            guard users.contains(ExactKey(child)) else {
                if await locked(store, { try await store.removeSibling(virtref: virtref) }) {
                    logger.info("\(name): removed remote \(url) (no longer used)")
                }
                continue
            }
            valid.insert(virtref)
            children.append(child)
            if store.needsFetch(child) { await fetch(child, into: store) }
            if let gitdir = gitdir(of: child), listed(gitdir) { siblings.append(.init(virtref: virtref, gitdir: gitdir)) }
        }
        var changed = false
        let config = GitConfigFile.read(gitDir: store.path)
        if let core = ObjectStorePlan.islandCore(siblings: siblings, islandCores: settings.islandCores),
           config?.lastValue("pack.islandcore") != .some(core) {
            logger.info(" reconfig: \(name) (islandCore to \(core))")
            changed = await setConfig(store.path, "pack.islandCore", core) || changed
        }
        if let prefixes = ObjectStorePlan.alternateRefsPrefixes(siblings: siblings, baselines: settings.baselines) {
            for child in children where GitConfigFile.read(gitDir: child)?.lastValue("core.alternaterefsprefixes") != .some(prefixes) {
                logger.info(" reconfig: \(gitdir(of: child) ?? child) (baseline)")
                _ = await setConfig(child, "core.alternateRefsPrefixes", prefixes)
            }
        }
        let stale = ((try? await store.virtrefsWithRefs()) ?? []).subtracting(valid)
        for virtref in stale.sorted() {
            logger.info("     trim: stale virtref \(virtref)")
            if await locked(store, { try await store.trim(virtref: virtref) }) { changed = true }
        }
        report.links += ObjectStorePlan.manifestLinks(forkgroup: store.forkgroup, gitdirs: siblings.map(\.gitdir))
        return changed
    }

    private func fetch(_ child: String, into store: ObjectStoreRepository) async {
        logger.info("    fetch: \(gitdir(of: child) ?? child) -> \(PathUtilities.basename(store.path))")
        let plumbing = settings.plumbing
        await locked(store) { try await store.bringIn(child, plumbing: plumbing) }
    }

    // MARK: Helpers

    /// Runs `body` holding the objstore repository's lock; failures are
    /// logged and answered with false.
    @discardableResult
    private func locked(_ store: ObjectStoreRepository, _ body: () async throws -> Void) async -> Bool {
        guard let lock = try? FileLock.acquire(for: store.path) else {
            logger.error("Cannot lock \(store.path)")
            return false
        }
        defer { lock.release() }
        do { try await body() } catch {
            logger.critical("\(PathUtilities.basename(store.path)): \(error)")
            return false
        }
        return true
    }

    private func setConfig(_ gitDir: String, _ key: String, _ value: String) async -> Bool {
        do { _ = try await git.runOrFail(gitDir: gitDir, ["config", key, value]) } catch {
            logger.error("\(error.message)")
            return false
        }
        return true
    }

    private func gitdir(of fullpath: String) -> String? {
        Gitdir.of(fullpath: fullpath, toplevel: settings.toplevel)?.path
    }
}
