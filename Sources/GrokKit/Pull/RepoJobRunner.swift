import Glibc
import Logging

/// Carries out one `PullPlan.Job` on disk, holding the repository's lock.
package struct RepoJobRunner: Sendable {
    package enum Maintenance: String, Sendable, Equatable {
        /// Fetch the repository's new objects into its objstore repository.
        case objstore
        case repack, packRefs, packRefsAll
    }

    package enum Outcome: Sendable {
        /// The local manifest entry to record, whether the repo was cloned,
        /// and housekeeping for afterwards. `pushFailures`: the `[push.*]`
        /// destinations it could not be pushed to (logged), reported as the
        /// repository's failure; the update is still recorded, and the next
        /// check pushes again without fetching.
        case done(entry: ManifestEntry, cloned: Bool, maintenance: [Maintenance], pushFailures: [String] = [])
        /// A requested reclone was refused (`RepositoryDeletion`: deleting
        /// the repository would lose what must stay, such as the objects
        /// others borrow), nothing was deleted, and the repository was
        /// updated as any other: record `entry` and queue `maintenance` as
        /// for `.done`, but report `refusal` as the repository's failure, so
        /// the run exits 1 and the next planning pass tries again (the
        /// `grokmirror.reclone` marker stays until the admin removes it).
        case refused(String, entry: ManifestEntry, maintenance: [Maintenance], pushFailures: [String] = [])
        case failed(String)
        /// Another process holds the repository's lock: try again later.
        case deferred
    }

    package let toplevel: String
    package let settings: PullSettings
    package let git: GitRunner
    package let logger: Logger
    /// Pushes each updated repository on to the `[push.*]` destinations;
    /// nil when the config has none.
    package let pusher: RepositoryPusher?
    /// Where each job's start and end are recorded for grok-serve.
    package let status: StatusStore?

    package init(toplevel: String, settings: PullSettings, git: GitRunner, logger: Logger, pusher: RepositoryPusher? = nil, status: StatusStore? = nil) {
        self.toplevel = toplevel
        self.settings = settings
        self.git = git
        self.logger = logger
        self.pusher = pusher
        self.status = status
    }

    private var setup: RepoSetup { RepoSetup(git: git, settings: settings) }

    var attachment: ObjectStoreAttachment {
        ObjectStoreAttachment(objstore: settings.objstore, plumbing: settings.objstoreUsesPlumbing, preloadBundleURL: settings.preloadBundleURL,
                              git: git, logger: logger)
    }

    /// Carries out the job and records its start and end in the status store.
    package func run(_ job: PullPlan.Job) async -> Outcome {
        guard let status else { return await runLocked(job) }
        let began = MonotonicTime.seconds()
        status.started(job.gitdir)
        let outcome = await runLocked(job)
        switch outcome {
        case .done:
            status.succeeded(job.gitdir, kind: job.statusKind, fetchSeconds: job.fetches ? MonotonicTime.seconds() - began : nil)
        case .refused(let why, _, _, _), .failed(let why):
            // A stop request is no failure of the repository.
            if !Task.isCancelled { status.failed(job.gitdir, error: why) }
        case .deferred: break
        }
        return outcome
    }

    private func runLocked(_ job: PullPlan.Job) async -> Outcome {
        let gitdir = job.gitdir
        let repo: ContainedPath
        do {
            repo = try ContainedPath(toplevel: toplevel, gitdir: gitdir)
            try repo.createParents()
        } catch {
            return .failed(error.description)
        }
        let lock: FileLock
        do {
            guard let held = try FileLock.tryAcquire(for: repo.path) else {
                logger.info("    defer: \(gitdir) (locked)")
                return .deferred
            }
            lock = held
        } catch {
            return .failed(error.description)
        }
        defer { lock.release() }
        removeLeftovers(of: job, in: repo)
        do {
            let outcome = try await perform(job, repo: repo)
            placeSymlinks(job.entry.symlinks, for: repo)
            return outcome
        } catch {
            return .failed("\(gitdir): \(error.message)")
        }
    }

    private struct Failure: Error { let message: String }

    /// What a run killed while working on this repository left (call with
    /// its lock held): the temp files of our atomic writes of config,
    /// description, HEAD and alternates, and for a clone the repository a
    /// reclone had moved aside. A killed job is always planned again, so
    /// its leftovers go with the job that redoes it.
    private func removeLeftovers(of job: PullPlan.Job, in repo: ContainedPath) {
        AtomicFile.removeStaleTemporaries(of: ["config", "description", "HEAD"], in: repo.path)
        AtomicFile.removeStaleTemporaries(of: ["alternates"], in: repo.path + "/objects/info")
        guard job.action == .initialize, FileSystem.kind(repo.path + ".reclone") != .missing,
              let aside = try? ContainedPath(toplevel: toplevel, gitdir: Gitdir(job.gitdir.path + ".reclone")) else { return }
        if let why = asideRefusal(aside, lenders: BorrowerMap.scan(toplevel: toplevel, objstore: settings.objstore)) {
            logger.error("Not deleting \(aside.path) (where a reclone moves a repository aside): \(why)")
            return
        }
        logger.info("  cleanup: \(job.gitdir).reclone (left by an interrupted reclone)")
        do { try aside.remove() } catch { logger.error("\(error)") }
    }

    /// What the job's first step left for the fetch that follows.
    private struct Prepared {
        var cloned = false
        var mustFetch: Bool
        /// Why a requested reclone was not carried out (already logged).
        var refusal: String? = nil
    }

    /// Creates, reclones, re-origins or reconfigures the repository, as
    /// the job's action asks; every error becomes a `Failure`.
    private func prepare(_ job: PullPlan.Job, repo: ContainedPath) async throws(Failure) -> Prepared {
        let gitdir = job.gitdir
        do {
            switch job.action {
            case .initialize:
                logger.info("     init: \(gitdir)")
                try removeSymlinkToRepository(repo)
                try await createFresh(repo, job: job, previousLender: nil)
                return Prepared(cloned: true, mustFetch: true)
            case .reclone:
                logger.info("  reclone: \(gitdir)")
                guard let refusal = try await recloneUnlessRefused(repo, job: job) else { return Prepared(cloned: true, mustFetch: true) }
                // Updated as an unknown repository would be: what the local
                // manifest records afterwards must hold.
                try await setup.applyParameters(repo, entry: job.entry)
                return Prepared(mustFetch: true, refusal: refusal)
            case .fixRemotes:
                logger.info(" reorigin: \(gitdir)")
                try await setup.resetRemote(repo, gitdir: gitdir)
                try await setup.applyParameters(repo, entry: job.entry)
                return Prepared(mustFetch: true)
            case .update(let fixParams, let fetch):
                if fixParams {
                    logger.info(" reconfig: \(gitdir)")
                    try await setup.applyParameters(repo, entry: job.entry)
                }
                return Prepared(mustFetch: fetch)
            }
        } catch let error as RepoSetup.Failure {
            throw Failure(message: error.message)
        } catch let error as ObjectStoreRepository.Failure {
            throw Failure(message: error.message)
        } catch let error as ContainedPath.Escape {
            throw Failure(message: error.description)
        } catch let error as ContainedPath.Refusal {
            throw Failure(message: error.description)
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure(message: "\(error)")
        }
    }

    private func perform(_ job: PullPlan.Job, repo: ContainedPath) async throws(Failure) -> Outcome {
        let gitdir = job.gitdir
        let entry = job.entry
        let prepared = try await prepare(job, repo: repo)
        let cloned = prepared.cloned
        var mustFetch = prepared.mustFetch
        var pushFailures: [String] = []
        func outcome(_ recorded: ManifestEntry, maintenance: [Maintenance]) -> Outcome {
            guard let refusal = prepared.refusal else { return .done(entry: recorded, cloned: cloned, maintenance: maintenance, pushFailures: pushFailures) }
            return .refused(refusal, entry: recorded, maintenance: maintenance, pushFailures: pushFailures)
        }

        let reader = FingerprintReader(git: git)
        // Whether to fetch depends only on the refs; what is recorded after
        // the fetch is the full, object-checked fingerprint.
        let before = cloned ? nil : ((try? await reader.refsFingerprint(gitDir: repo.path)) ?? nil)
        if mustFetch && !job.forceFetch && before == entry.fingerprint { mustFetch = false }
        let lender = Alternates.borrowedRepository(of: repo.path)
        let forkgroup = lender.flatMap { PathUtilities.isInside($0, root: settings.objstore) ? Alternates.forkgroup(ofBorrowed: $0) : nil }
        guard mustFetch else {
            pushFailures = await pusher?.push(repo.path, gitdir: gitdir) ?? []
            return outcome(PullPlan.localEntry(from: entry, fingerprint: before, forkgroup: forkgroup), maintenance: [])
        }
        if !cloned, !(await setup.hasRemote(repo)) {
            logger.info(" reorigin: \(gitdir)")
            do { try await setup.resetRemote(repo, gitdir: gitdir) } catch { throw Failure(message: error.message) }
        }
        try await fetch(repo, gitdir: gitdir)
        // git fetch checked connectivity before updating any ref, so every
        // ref's object is present: the refs alone give show-ref's answer.
        let after = (try? await reader.refsFingerprint(gitDir: repo.path)) ?? nil
        if let after { FileSystem.write(Array(after.utf8), to: repo.path + "/" + MarkerFile.fingerprint) }
        // Pushed first, so a notification's push follows its fetch at once.
        pushFailures = await pusher?.push(repo.path, gitdir: gitdir) ?? []
        await HookRunner(logger: logger).run(settings.postUpdateHooks, arguments: [repo.path], context: gitdir.path)
        if let modified = entry.modified { recordModified(modified, in: repo) }
        var maintenance: [Maintenance] = []
        if let lender, forkgroup != nil, after != before, !settings.privateRepos.anyMatches(gitdir) {
            maintenance += await feedObjectStore(repo, store: lender, cloned: cloned)
        }
        if cloned { maintenance.append(.packRefsAll) }
        if needsQuickRepack(repo) { maintenance += [.repack, .packRefs] }
        return outcome(PullPlan.localEntry(from: entry, fingerprint: after, forkgroup: forkgroup), maintenance: maintenance)
    }

    /// A new clone in a forkgroup borrows from its objstore before the first
    /// fetch; a reclone keeps the lender it had.
    private func attach(_ repo: ContainedPath, job: PullPlan.Job, previousLender: String?) async throws(ObjectStoreRepository.Failure) {
        if let forkgroup = job.forkgroup {
            try await attachment.attach(repo.path, forkgroup: forkgroup, isPrivate: job.isPrivate,
                                        migrating: job.migrateSibling.flatMap { try? ContainedPath(toplevel: toplevel, gitdir: $0).path })
        } else if let previousLender, FileSystem.isDirectory(previousLender) {
            _ = Alternates.borrow(repo.path, from: previousLender)
        }
    }

    /// New objects go into the objstore at once when it is empty (the next
    /// fork's clone negotiates against it), else after all fetches. An
    /// initial clone is repacked afterwards to drop what the objstore now
    /// holds (hardlinking plumbing leaves nothing to drop).
    private func feedObjectStore(_ repo: ContainedPath, store: String, cloned: Bool) async -> [Maintenance] {
        let dropCopies: [Maintenance] = cloned && !settings.objstoreUsesPlumbing ? [.repack] : []
        guard attachment.isEmpty(store) else { return [.objstore] + dropCopies }
        logger.info(" objstore: \(repo.path.dropFirst(toplevel.count))")
        await attachment.fetchIn(repo.path, store: store)
        return dropCopies
    }

    /// An empty mirror repository, configured and borrowing from its
    /// objstore (or the lender a reclone had), ready for its first fetch.
    private func createFresh(_ repo: ContainedPath, job: PullPlan.Job, previousLender: String?) async throws {
        try await setup.initialize(repo)
        try await setup.configureNew(repo, gitdir: job.gitdir)
        try await setup.applyParameters(repo, entry: job.entry)
        try await attach(repo, job: job, previousLender: previousLender)
    }

    /// Fetches the remote with pruning, up to `retries` times. grokmirror
    /// runs `git remote update <remote> --prune`, which for one named remote
    /// only re-executes `git fetch --prune <remote>`: calling that directly
    /// updates the same refs and saves a process per repository.
    private func fetch(_ repo: ContainedPath, gitdir: Gitdir) async throws(Failure) {
        logger.info("    fetch: \(gitdir)")
        var lastError = ""
        for attempt in 1...settings.retries {
            // A stop request is no failure to retry.
            if attempt > 1 && Task.isCancelled { break }
            if attempt > 1 { logger.info("  refetch: \(gitdir) (try #\(attempt))") }
            do {
                let result = try await git.run(gitDir: repo.path, ["fetch", "--prune", "--", settings.remoteName])
                if result.succeeded {
                    if !result.errorOutput.isEmpty { logger.debug("Stderr (\(repo.path)): \(result.errorOutput)") }
                    return
                }
                lastError = result.errorOutput
                logger.warning("Stderr (\(repo.path)): \(lastError)")
            } catch {
                lastError = error.description
                logger.warning("\(gitdir): \(lastError)")
            }
        }
        throw Failure(message: "fetch failed after \(settings.retries) tries: \(lastError.split(separator: "\n").last.map(String.init) ?? "")")
    }

    /// `grokmirror.timestamp` and cgit's agefile (`info/web/last-modified`).
    private func recordModified(_ modified: Int, in repo: ContainedPath) {
        FileSystem.write(Array(String(modified).utf8), to: repo.path + "/" + MarkerFile.timestamp)
        mkdir(repo.path + "/info", 0o777)
        mkdir(repo.path + "/info/web", 0o777)
        var seconds = modified
        var parts = tm()
        localtime_r(&seconds, &parts)
        func pad(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let text = "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday)) \(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))\n"
        FileSystem.write(Array(text.utf8), to: repo.path + "/info/web/last-modified")
    }

    private func needsQuickRepack(_ repo: ContainedPath) -> Bool {
        if BareRepository.isPrecious(repo.path) { return false }
        return ObjectCounts.measure(gitDir: repo.path).repackLevel() > .none
    }

    /// Makes each listed symlink point at the repository, as far as
    /// `SymlinkPlacement` allows; a repository it replaces is removed under
    /// its own lock. Everything refused is reported.
    private func placeSymlinks(_ symlinks: [Gitdir], for repo: ContainedPath) {
        guard FileSystem.exists(repo.path) else { return }
        for symlinkGitdir in symlinks {
            do {
                let link = try ContainedPath(toplevel: toplevel, gitdir: symlinkGitdir)
                let existing = existing(at: link.path, target: repo.path)
                let deletion = existing == .bareRepository ? deletionCheck(link.path) : (lentFrom: false, refusal: nil)
                switch SymlinkPlacement.decide(existing, protected: protection(of: symlinkGitdir), lentFrom: deletion.lentFrom,
                                               deletionRefusal: deletion.refusal) {
                case .keep: continue
                case .refuse(let why):
                    logger.error("Not replacing \(link.path) with a symlink to \(repo.path): \(why)")
                    continue
                case .replaceRepository:
                    guard let lock = try FileLock.tryAcquire(for: link.path) else {
                        logger.info("    defer: symlink \(symlinkGitdir) (the repository there is locked)")
                        continue
                    }
                    defer { lock.release() }
                    logger.warning("Deleted repo \(link.path), because it is now a symlink to \(repo.path)")
                    try link.remove()
                case .link:
                    if FileSystem.kind(link.path) == .directory { rmdir(link.path) } else if FileSystem.isSymlink(link.path) { unlink(link.path) }
                }
                logger.info("  symlink: \(symlinkGitdir) -> \(repo.path.dropFirst(toplevel.count))")
                try link.createParents()
                symlink(repo.path, link.path)
            } catch {
                logger.error("\(error)")
            }
        }
    }

    /// Replaces the repository by a fresh clone that keeps the lender it
    /// had, unless the reclone is refused (see `recloneRefusal`): then
    /// nothing is moved or deleted, and the refusal is logged and returned.
    private func recloneUnlessRefused(_ repo: ContainedPath, job: PullPlan.Job) async throws -> String? {
        let aside = try ContainedPath(toplevel: toplevel, gitdir: Gitdir(job.gitdir.path + ".reclone"))
        if let refusal = try recloneRefusal(repo, aside: aside) {
            logger.error("\(refusal)")
            return refusal
        }
        let previousLender = Alternates.borrowedRepository(of: repo.path)
        try aside.remove()
        guard rename(repo.path, aside.path) == 0 else { throw Failure(message: "cannot move \(repo.path) aside: \(FileSystem.errorDescription())") }
        try aside.remove()
        try await createFresh(repo, job: job, previousLender: previousLender)
        return nil
    }

    /// A reclone moves the repository aside and deletes it: both it and
    /// whatever an earlier reclone left aside must be repositories it may
    /// delete (`RepositoryDeletion`; a repository others borrow objects
    /// from never is, so the borrowers are looked for, a walk of toplevel
    /// and the objstore directory paid per reclone). Returns the message
    /// for the admin when either may not go, nil when the reclone may go
    /// ahead. Throws `Failure` for a symlink: it is never recloned through,
    /// nor fetched through.
    private func recloneRefusal(_ repo: ContainedPath, aside: ContainedPath) throws(Failure) -> String? {
        let lenders = BorrowerMap.scan(toplevel: toplevel, objstore: settings.objstore)
        let observed = RepositoryDeletion.Observed.at(repo.path, lenders: lenders)
        if observed.kind == .symlink { throw Failure(message: "Not recloning \(repo.path): it is a symlink") }
        if let why = RepositoryDeletion.refusal(observed, for: .reclone) {
            return RecloneRefusal.message(repository: repo.path, why: why, lends: !observed.borrowers.isEmpty)
        }
        if let why = asideRefusal(aside, lenders: lenders) {
            return RecloneRefusal.message(repository: repo.path, why: "\(aside.path) is in the way and \(why)", lends: false)
        }
        return nil
    }

    /// Why `<gitdir>.reclone` may not be deleted: it is not what a reclone
    /// moved aside (no `grokmirror.reclone` request in it: the origin may
    /// list a repository of that name), a nopurge or ffonly glob protects
    /// its name, or `RepositoryDeletion` refuses it (borrowers, nested
    /// repositories, what cannot be seen).
    private func asideRefusal(_ aside: ContainedPath, lenders: BorrowerMap) -> String? {
        if let protected = protection(of: aside.gitdir) { return "it \(protected)" }
        return RepositoryDeletion.refusal(.at(aside.path, lenders: lenders), for: .recloneLeftover)
    }

    /// A repository the origin lists where this mirror has a symlink (the
    /// origin turned a symlink back into a repository): a link to a
    /// repository inside toplevel, as `symlinks` entries make, is removed
    /// (nothing but the link goes); any other symlink is refused, since
    /// creating the repository would write through it.
    private func removeSymlinkToRepository(_ repo: ContainedPath) throws(Failure) {
        guard FileSystem.isSymlink(repo.path) else { return }
        let target = PathUtilities.realpath(repo.path)
        guard PathUtilities.isInside(target, root: toplevel), BareRepository.isBare(target) else {
            throw Failure(message: "\(repo.path) is a symlink to \(target), not to a repository of this mirror; refusing to create a repository through it")
        }
        logger.info("  symlink: \(repo.path.dropFirst(toplevel.count)) is a repository again, removing the link to \(target.dropFirst(toplevel.count))")
        unlink(repo.path)
    }

    private func existing(at path: String, target: String) -> SymlinkPlacement.Existing {
        switch FileSystem.kind(path) {
        case .symlink: return .symlink(pointsAtTarget: ExactKey(PathUtilities.realpath(path)) == ExactKey(PathUtilities.realpath(target)))
        case .directory:
            if FileSystem.listDirectory(path)?.isEmpty == true { return .emptyDirectory }
            let observed = RepositoryDeletion.Observed.at(path)
            return observed.kind == .bareRepository && !observed.isObjectStore && !observed.holdsRepositories ? .bareRepository : .other
        case .missing: return .missing
        default: return .other
        }
    }

    private func protection(of gitdir: Gitdir) -> String? {
        if settings.noPurge.anyMatches(gitdir) { return "matches nopurge" }
        if settings.ffOnly.anyMatches(gitdir) { return "is ffonly" }
        return nil
    }

    /// Whether the repository at `path` lends objects to others, and why
    /// else a purge would not delete it (a walk of the tree, paid only when
    /// a repository stands where a link belongs).
    private func deletionCheck(_ path: String) -> (lentFrom: Bool, refusal: String?) {
        let observed = RepositoryDeletion.Observed.at(path, remoteName: settings.remoteName,
                                                      lenders: BorrowerMap.scan(toplevel: toplevel, objstore: settings.objstore))
        return (!observed.borrowers.isEmpty, RepositoryDeletion.refusal(observed, for: .purge))
    }
}
