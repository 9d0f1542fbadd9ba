import Glibc
import Logging

/// One grok-pull run, end to end: remote manifest, plan, bounded parallel
/// jobs, checkpoints of the local manifest, purge, housekeeping, hooks.
package struct PullRun: Sendable {
    package enum ExitStatus: Int32, Sendable {
        case success = 0
        /// Some repositories failed; they are listed at the end.
        case someFailed = 1
        /// The manifest or the config was unusable; nothing was changed.
        case unusable = 2
    }

    package struct Options: Sendable {
        package var noMtimeCheck = false
        package var purge = false
        package var forcePurge = false
        package init() {}
    }

    package let config: GrokConfig
    package let settings: PullSettings
    package let options: Options
    package let logger: Logger
    package let git: GitRunner

    /// What a service keeps across config reloads.
    struct Shared: Sendable {
        /// Which push destinations keep failing (a service pauses a failing
        /// destination for at most one refresh period first).
        let pushHealth: DestinationHealth
        /// Where each repository's status is recorded for grok-serve; nil
        /// when the database cannot be opened (logged).
        let status: StatusStore?
    }

    /// `shared`: what an earlier run of this service had; new when nil.
    package init(config: GrokConfig, settings: PullSettings, options: Options, logger: Logger, git: GitRunner = GitRunner()) {
        self.init(config: config, settings: settings, options: options, logger: logger, git: git, shared: nil)
    }

    init(config: GrokConfig, settings: PullSettings, options: Options, logger: Logger, git: GitRunner, shared: Shared?) {
        self.config = config
        self.settings = settings
        self.options = options
        self.logger = logger
        self.git = git
        self.core = config.core
        pushStore = settings.destinations.isEmpty ? nil : PushStateStore(path: PushStateStore.path(forLocalManifest: config.core.manifest))
        self.shared = shared ?? Shared(pushHealth: DestinationHealth(firstPause: min(60, Double(settings.refresh ?? 60))),
                                       status: StatusStore.openForWriting(path: StatusStore.path(forLocalManifest: config.core.manifest), logger: logger))
    }

    /// The push state, shared by every job of the run; nil without `[push.*]`.
    private let pushStore: PushStateStore?
    let shared: Shared
    var status: StatusStore? { shared.status }

    /// `[core]`, resolved once: `config.core` interpolates on every access.
    private let core: GrokConfig.Core
    private var toplevel: String { core.toplevel }
    private var manifestFile: ManifestFile { ManifestFile(path: core.manifest) }

    /// The paths under toplevel that remote entries may not use.
    private var reserved: [ReservedPath] { ReservedPath.all(in: config) }

    /// The whole one-shot run: one check, its jobs, purge, housekeeping, hooks.
    package func run() async -> ExitStatus {
        await PullScheduler(run: self).run()
    }

    /// What one look at the remote manifest found.
    enum Check: Sendable {
        case unchanged
        /// The manifest is unchanged, but these repositories are behind at
        /// a push destination (a push failed or was cut short): push them.
        case pushesDue([PullPlan.Job])
        /// The manifest or its source was unusable; nothing was changed.
        case unusable
        case planned(Pass)
    }

    /// The work one changed remote manifest asks for.
    struct Pass: Sendable {
        var culled: PullPlan.Culled
        var jobs: [PullPlan.Job]
        var rejections: [Gitdir: String]
        /// The `.remote` state to save once every job is done (see
        /// `recordCompletedPass`); nil for `manifest_command`.
        var status: RemoteManifestStatus?
    }

    private var fetcher: RemoteManifestFetcher {
        RemoteManifestFetcher(settings: settings, localManifestPath: core.manifest, configLastModified: config.lastModified, logger: logger)
    }

    /// Fetches the remote manifest (`force` ignores mtimes) and plans what
    /// every relevant repository needs. A stop request (task cancellation)
    /// is answered between entries, however large the manifest; the check
    /// then reports `.unusable` having changed nothing.
    func check(force: Bool) async -> Check {
        let remote: Manifest
        let status: RemoteManifestStatus?
        self.status?.heartbeat("pull")
        do {
            switch try await fetcher.fetch(force: force) {
            case .unchanged:
                self.status?.manifestChecked(error: nil)
                return pushesDue()
            case .fetched(let manifest, let fetched): (remote, status) = (manifest, fetched)
            }
            self.status?.manifestChecked(error: nil)
        } catch {
            // A stop request is not a broken manifest.
            if Task.isCancelled {
                logger.info(" manifest: \(error.message)")
                return .unusable
            }
            self.status?.manifestChecked(error: error.message)
            logger.critical("\(error.message)")
            logger.critical("Nothing was changed.")
            return .unusable
        }
        logger.debug("Remote manifest has \(remote.count) entries")
        guard let local = readLocalManifest() else { return .unusable }
        do {
            let culled = try PullPlan.cull(remote, include: settings.include, exclude: settings.exclude, reserved: reserved)
            for rejection in culled.rejected { logger.error("\(rejection.description)") }
            for gitdir in culled.withoutFingerprint { logger.critical("Repo without fingerprint info (skipped): \(gitdir)") }
            for message in culled.droppedSymlinks { logger.error("\(message)") }
            logger.info(" manifest: \(culled.entries.count) relevant entries")

            logger.debug("Reading the state of \(culled.entries.count) repositories")
            var jobs = try await plan(culled, local: local)
            self.status?.behind(jobs.filter(\.fetches).map(\.gitdir))
            jobs += pushJobs(local: local, excluding: Set(jobs.map(\.gitdir)))
            logger.debug("Planned \(jobs.count) jobs")
            var rejections: [Gitdir: String] = [:]
            for rejection in culled.rejected { rejections[rejection.gitdir] = rejection.reason }
            return .planned(Pass(culled: culled, jobs: jobs, rejections: rejections, status: status))
        } catch {
            logger.info(" manifest: planning stopped")
            return .unusable
        }
    }

    /// The local manifest; an unreadable one counts as empty, and nil
    /// (logged) when the path names a file that is not a manifest.
    private func readLocalManifest() -> Manifest? {
        do { return try manifestFile.read() } catch let error {
            if case .notAManifest = error {
                logger.critical("\(error.description): refusing to mirror into it; check [core] manifest. Nothing was changed.")
                return nil
            }
            logger.critical("Local manifest unreadable (\(error.description)); treating every repository as unknown")
            return Manifest()
        }
    }

    /// Saves the `.remote` state of a pass whose every job is done and
    /// recorded in the local manifest, so the next run may skip an
    /// unchanged manifest. A pass with a failed job, or one cut short by a
    /// kill, a signal or a full disk, leaves the previous state, so the next
    /// run refetches and re-plans.
    func recordCompletedPass(_ status: RemoteManifestStatus) {
        let path = fetcher.statusPath
        if status.save(path) {
            logger.debug("Recorded the completed manifest in \(path)")
        } else {
            logger.warning("Could not write \(path): the next run fetches the manifest again")
        }
    }

    var runner: RepoJobRunner { RepoJobRunner(toplevel: toplevel, settings: settings, git: git, logger: logger, pusher: pusher, status: status) }

    /// Pushes to the `[push.*]` destinations; nil when there are none.
    var pusher: RepositoryPusher? {
        pushStore.map {
            RepositoryPusher(destinations: settings.destinations, privateRepos: settings.privateRepos, store: $0, health: shared.pushHealth, git: git,
                             logger: logger, status: status)
        }
    }

    /// `.pushesDue` for the repositories behind at a destination, else `.unchanged`.
    private func pushesDue() -> Check {
        guard pushStore != nil, let local = try? manifestFile.read() else { return .unchanged }
        let jobs = pushJobs(local: local, excluding: [])
        return jobs.isEmpty ? .unchanged : .pushesDue(jobs)
    }

    /// A job for each repository of the local manifest (and on disk) that
    /// some destination has not had at its recorded fingerprint: it pushes
    /// without fetching. The state is re-read first, for what a grok-push
    /// run did meanwhile.
    private func pushJobs(local: Manifest, excluding planned: Set<Gitdir>) -> [PullPlan.Job] {
        guard let pusher else { return [] }
        pusher.store.refresh()
        let behind = PushTargets.behind(in: local, pusher: pusher).filter {
            !planned.contains($0) && BareRepository.isBare($0.fullpath(in: toplevel)) && !FileSystem.isSymlink($0.fullpath(in: toplevel))
        }
        if !behind.isEmpty { logger.info("     push: \(behind.count) repositories behind at a push destination") }
        return behind.compactMap { gitdir in
            local[gitdir].map { PullPlan.Job(gitdir: gitdir, entry: $0, action: .update(fixParams: false, fetch: false)) }
        }
    }

    /// The job a push notification for `name` asks for: a fetch of a
    /// repository the local manifest knows, even if fingerprints look
    /// equal. Nil (and logged) for anything else.
    func notificationJob(for name: String, local: Manifest) -> PullPlan.Job? {
        let gitdir = Gitdir(name.utf8.first == UInt8(ascii: "/") ? name : "/" + name)
        guard var entry = local[gitdir] else {
            logger.info(" listener: \(name) (not known, ignored)")
            return nil
        }
        guard let repo = try? ContainedPath(toplevel: toplevel, gitdir: gitdir), BareRepository.isBare(repo.path) else {
            logger.info(" listener: \(gitdir) (not on disk yet, left to the next manifest check)")
            return nil
        }
        logger.info(" listener: \(gitdir)")
        entry.modified = Int(time(nil))
        var job = PullPlan.Job(gitdir: gitdir, entry: entry, action: .update(fixParams: false, fetch: true))
        job.forceFetch = true
        return job
    }

    /// Quick repacks, pack-refs and objstore fetches after fetches
    /// (grokmirror's "spa"); skipped when another process holds the
    /// repository (grok-fsck will see to it).
    func houseKeep(_ gitdir: Gitdir, _ actions: [RepoJobRunner.Maintenance]) async {
        guard let repo = try? ContainedPath(toplevel: toplevel, gitdir: gitdir),
              let lock = try? FileLock.tryAcquire(for: repo.path) else { return }
        defer { lock.release() }
        var done: [String] = []
        for action in actions where !done.contains(action.rawValue) {
            done.append(action.rawValue)
            let arguments: [String]
            switch action {
            case .objstore:
                if let store = Alternates.borrowedRepository(of: repo.path) { await runner.attachment.fetchIn(repo.path, store: store) }
                continue
            case .repack: arguments = ["repack", "-Adlq"] + settings.extraRepackFlags
            case .packRefs: arguments = ["pack-refs"]
            case .packRefsAll: arguments = ["pack-refs", "--all"]
            }
            if let result = try? await git.run(gitDir: repo.path, arguments), !result.succeeded {
                logger.debug("Could not \(arguments.joined(separator: " ")) \(repo.path): \(result.errorOutput)")
            }
        }
        logger.info("      spa: \(gitdir) (done: \(done.joined(separator: ", ")))")
    }

    /// post_clone_complete_hook (with the new clones on stdin) and
    /// post_work_complete_hook, once a round of work is over.
    func runCompletionHooks(cloned: [Gitdir]) async {
        let hooks = HookRunner(logger: logger)
        if !cloned.isEmpty {
            let list = cloned.map { $0.fullpath(in: toplevel) }.joined(separator: "\n") + "\n"
            await hooks.run(settings.postCloneCompleteHooks, input: Array(list.utf8), context: "post_clone_complete_hook")
        }
        await hooks.run(settings.postWorkCompleteHooks, context: "post_work_complete_hook")
    }

    // MARK: Steps

    /// Reads every repository's disk state and decides what it needs. The
    /// reading is mostly a few small files per repository, so each core
    /// takes one contiguous share rather than one task per repository.
    /// Throws when the task is cancelled (checked every 256 entries).
    private func plan(_ culled: PullPlan.Culled, local: Manifest) async throws(CancellationError) -> [PullPlan.Job] {
        let toplevel = self.toplevel
        let reader = FingerprintReader(git: git)
        let entries = culled.entries
        let shares = max(1, min(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), entries.count / 64))
        var states = [PullPlan.DiskState?](repeating: nil, count: entries.count)
        await withTaskGroup(of: [(Int, PullPlan.DiskState)].self) { group in
            for share in 0..<shares {
                let range = (entries.count * share / shares)..<(entries.count * (share + 1) / shares)
                group.addTask {
                    var found: [(Int, PullPlan.DiskState)] = []
                    found.reserveCapacity(range.count)
                    for index in range {
                        if index % 256 == 0 && Task.isCancelled { break }
                        let (gitdir, entry) = entries[index]
                        found.append((index, await Self.diskState(gitdir.fullpath(in: toplevel), symlinks: entry.symlinks, toplevel: toplevel, reader: reader)))
                    }
                    return found
                }
            }
            for await found in group { for (index, state) in found { states[index] = state } }
        }
        if Task.isCancelled { throw CancellationError() }
        var jobs: [PullPlan.Job] = []
        for (index, (gitdir, entry)) in entries.enumerated() {
            guard let action = PullPlan.action(remote: entry, local: local[gitdir], disk: states[index]!, defaultOwner: settings.defaultOwner) else { continue }
            jobs.append(PullPlan.Job(gitdir: gitdir, entry: entry, action: action))
        }
        if !jobs.isEmpty { logger.info(" manifest: \(jobs.count) new updates") }
        return try assignForkgroups(jobs, entries: entries, local: local)
    }

    /// New clones join their forkgroup's objstore. The first clone of a
    /// forkgroup without one moves a standalone local relative into it, and
    /// public clones go first so private ones find shared objects.
    private func assignForkgroups(_ jobs: [PullPlan.Job], entries: [(gitdir: Gitdir, entry: ManifestEntry)],
                                  local: Manifest) throws(CancellationError) -> [PullPlan.Job] {
        var existing: [String: Set<Gitdir>] = [:]
        for store in ObjectStoreMigration.objectStores(in: settings.objstore) {
            let repository = ObjectStoreRepository(path: store, git: git)
            existing[repository.forkgroup] = Set(repository.siblings.compactMap {
                Gitdir.of(fullpath: PathUtilities.realpath($0.fullpath), toplevel: PathUtilities.realpath(toplevel))
            })
        }
        let assignment = PullPlan.forkgroups(entries: entries, local: local, existing: existing, newName: UUID4.random)
        var members: [String: [Gitdir]] = [:]
        for (gitdir, forkgroup) in assignment { members[forkgroup, default: []].append(gitdir) }
        let cloning = Set(jobs.filter { $0.action == .initialize }.map(\.gitdir))
        var seeded: Set<String> = []
        var assigned: [PullPlan.Job] = []
        let privateRepos = settings.privateRepos
        for (index, var job) in (jobs.filter({ !privateRepos.anyMatches($0.gitdir) }) + jobs.filter({ privateRepos.anyMatches($0.gitdir) })).enumerated() {
            if index % 4096 == 0 && Task.isCancelled { throw CancellationError() }
            if job.action == .initialize || job.action == .reclone, let forkgroup = assignment[job.gitdir] {
                job.forkgroup = forkgroup
                job.isPrivate = privateRepos.anyMatches(job.gitdir)
                if !seeded.contains(forkgroup), !FileSystem.isDirectory(settings.objstore + "/" + forkgroup + ".git") {
                    seeded.insert(forkgroup)
                    job.migrateSibling = members[forkgroup, default: []].sorted().first { sibling in
                        sibling != job.gitdir && !cloning.contains(sibling) && !privateRepos.anyMatches(sibling)
                            && BareRepository.isBare(sibling.fullpath(in: toplevel)) && Alternates.borrowedRepository(of: sibling.fullpath(in: toplevel)) == nil
                    }
                }
            }
            assigned.append(job)
        }
        return assigned
    }

    private static func diskState(_ path: String, symlinks: [Gitdir], toplevel: String, reader: FingerprintReader) async -> PullPlan.DiskState {
        // A symlink where the origin lists a repository is no copy of it:
        // the repository is created in its place (see `RepoJobRunner`).
        guard !FileSystem.isSymlink(path), BareRepository.isBare(path) else {
            // An init interrupted by a crash or signal is completed like a new clone.
            let present = FileSystem.exists(path) && !FileSystem.isSymlink(path) && !BareRepository.isUnfinishedInitialization(path)
            return PullPlan.DiskState(exists: present)
        }
        // The cached fingerprint, as grokmirror plans with it: grok-pull
        // rewrites it after every fetch, and grok-manifest and grok-fsck
        // keep it current. Without one, the refs are read.
        var fingerprint = CachedFingerprint.read(path)
        if fingerprint == nil { fingerprint = (try? await reader.refsFingerprint(gitDir: path)) ?? nil }
        let symlinksInPlace = symlinks.allSatisfy { link in
            FileSystem.isSymlink(link.fullpath(in: toplevel)) && ExactKey(PathUtilities.realpath(link.fullpath(in: toplevel))) == ExactKey(PathUtilities.realpath(path))
        }
        return PullPlan.DiskState(exists: true, recloneRequested: FileSystem.exists(path + "/" + MarkerFile.reclone),
                                  fingerprint: fingerprint, symlinksInPlace: symlinksInPlace)
    }

    /// Folds finished jobs (and purges) into the local manifest under its
    /// lock, then rewrites projects.list. False when the write failed (the
    /// entries are then kept for the next checkpoint).
    func checkpoint(_ done: [(Gitdir, ManifestEntry)], purged: [Gitdir]) async -> Bool {
        guard !done.isEmpty || !purged.isEmpty else { return true }
        let file = manifestFile
        let pretty = (try? config.manifestSettings().pretty) ?? false
        do {
            _ = try await file.update(pretty: pretty, read: { (file) throws(ManifestFile.ReadError) in try file.readForRewrite() }) { manifest in
                for (gitdir, entry) in done {
                    manifest[gitdir] = entry
                    // A repository the origin replaced by a symlink is no longer one of ours.
                    manifest.remove(Set(entry.symlinks))
                }
                manifest.remove(Set(purged))
                return true
            } written: { manifest in
                logger.info(" manifest: wrote \(file.path) (\(manifest.count) entries)")
                writeProjectsList(manifest)
            }
            return true
        } catch {
            logger.critical("\(error)")
            return false
        }
    }

    /// projects.list as the local manifest says, when it says otherwise
    /// (a run killed between the two writes), at the end of a complete
    /// pass: the next run may then skip the unchanged manifest.
    func refreshProjectsList() {
        guard settings.projectsList != nil, let manifest = try? manifestFile.read() else { return }
        writeProjectsList(manifest, onlyIfChanged: true)
    }

    private func writeProjectsList(_ manifest: Manifest, onlyIfChanged: Bool = false) {
        guard let path = settings.projectsList else { return }
        let existing = FileSystem.read(path, limit: 1 << 30)
        if let existing, !ProjectsList.looksLikeOne(existing) {
            logger.error("Not replacing \(path): it does not look like a projects list (check [pull] projectslist)")
            return
        }
        let text = ProjectsList.render(manifest, trimTop: settings.projectsListTrimTop, includeSymlinks: settings.projectsListSymlinks)
        if onlyIfChanged && existing == Array(text.utf8) {
            AtomicFile.removeStaleTemporaries(of: path)
            return
        }
        if AtomicFile.write(Array(text.utf8), to: path) {
            logger.info(" projlist: wrote \(path)")
        } else {
            logger.error("Could not write \(path)")
        }
    }

    /// Deletes what the origin no longer lists (see `PullPlan.purge`),
    /// never a repository in `busy` (a job or housekeeping is on it), nor
    /// one anything borrows from (under toplevel or the objstore directory,
    /// absolute or relative alternates), nor what `RepositoryDeletion`
    /// refuses (see `purgeOne`). Returns the gitdirs deleted.
    func purge(culled: PullPlan.Culled, hadRejections: Bool, busy: Set<Gitdir>) async -> [Gitdir] {
        if hadRejections {
            logger.critical("Not purging: the remote manifest had rejected entries")
            return []
        }
        let found = RepositoryWalker(excludeObjectStores: true).findAll(under: toplevel)
        // Lenders as realpaths: borrowers anywhere under toplevel or the
        // objstore directory, through absolute or relative alternates.
        let lenders = BorrowerMap.scan(toplevel: toplevel, objstore: settings.objstore)
        if let unseen = lenders.unseen.first {
            logger.critical("Not purging: \(unseen) cannot be looked into (unreadable, or a name that is not UTF-8), so a repository there may borrow objects from any other")
            return []
        }
        var gitdirs: [Gitdir] = []
        var borrowedFrom = Set<Gitdir>()
        for path in found {
            guard let gitdir = Gitdir.of(fullpath: path, toplevel: toplevel) else { continue }
            gitdirs.append(gitdir)
            if !FileSystem.isSymlink(path), lenders.lends(PathUtilities.realpath(path)) { borrowedFrom.insert(gitdir) }
        }
        let decision = PullPlan.purge(found: gitdirs, culled: culled, noPurge: settings.noPurge, ffOnly: settings.ffOnly,
                                      borrowedFrom: borrowedFrom, purgeProtect: settings.purgeProtect, force: options.forcePurge)
        for (gitdir, reason) in decision.kept.sorted(by: { $0.key < $1.key }) { logger.info("  keeping: \(gitdir) (\(reason))") }
        if let refusal = decision.refusal {
            logger.critical("\(refusal)")
            return []
        }
        let purged = decision.purge.filter { gitdir in
            if busy.contains(gitdir) {
                logger.info("    defer: \(gitdir) (busy, not purged this run)")
                return false
            }
            return purgeOne(gitdir, lenders: lenders)
        }
        forgetPushes(of: purged)
        status?.forget(purged)
        return purged
    }

    /// Purged repositories stay at push destinations (a purge there would
    /// be one mistake away from deleting a published repository): said
    /// once, and their push state dropped.
    private func forgetPushes(of purged: [Gitdir]) {
        guard let pusher, !purged.isEmpty else { return }
        let names = pusher.destinations.map(\.name)
        logger.info("    purge: \(purged.count) purged repositories are not deleted at push destinations (\(names.joined(separator: ", ")))")
        for gitdir in purged { pusher.store.forget(gitdir, destinations: names) }
    }

    /// Deletes one repository under its lock, if `RepositoryDeletion`
    /// allows it: a bare repository holding no other, not an objstore
    /// repository, nothing in `lenders` (the purge's `BorrowerMap` scan)
    /// borrows from, cloned by this mirror (its config has the mirror's
    /// remote), or a symlink (only the link goes). True when it is gone.
    private func purgeOne(_ gitdir: Gitdir, lenders: BorrowerMap) -> Bool {
        do {
            let repo = try ContainedPath(toplevel: toplevel, gitdir: gitdir)
            guard let lock = try FileLock.tryAcquire(for: repo.path) else {
                logger.info("    defer: \(gitdir) (locked, not purged this run)")
                return false
            }
            defer { lock.release() }
            if let why = RepositoryDeletion.refusal(.at(repo.path, remoteName: settings.remoteName, lenders: lenders), for: .purge) {
                logger.error("Not purging \(repo.path): \(why)")
                return false
            }
            logger.info("    purge: \(gitdir)")
            try repo.remove()
            return true
        } catch {
            logger.error("\(error)")
            return false
        }
    }
}
