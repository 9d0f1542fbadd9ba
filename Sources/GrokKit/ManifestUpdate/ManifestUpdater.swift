import Glibc
import Logging

/// One grok-manifest run: lock the manifest, read it, walk or take the given
/// paths, fold each repository's state in, write it back atomically.
package struct ManifestUpdater: Sendable {
    package let options: ManifestOptions
    package let logger: Logger
    package let git: GitRunner
    /// How many repositories are read at once (mostly waiting on git).
    package let concurrency: Int

    package init(options: ManifestOptions, logger: Logger, git: GitRunner = GitRunner(), concurrency: Int? = nil) {
        self.options = options
        self.logger = logger
        self.git = git
        self.concurrency = concurrency ?? max(2, 2 * Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    package enum ExitStatus: Int32, Sendable, Error {
        case success = 0
        case failure = 1
        case usage = 2
    }

    /// A path the run was asked about, classified.
    enum Candidate: Sendable, Equatable {
        case repository(fullpath: String, gitdir: Gitdir)
        case symlink(path: String, gitdir: Gitdir)
    }

    private struct Failure: Error { let message: String }

    private struct RepoReadOutcome: Sendable {
        let index: Int
        let outcome: RepoInfoReader.Outcome?
        let error: String?
    }

    package func run() async -> ExitStatus {
        let started = ContinuousClock.now
        let manifestFile = ManifestFile(path: options.manifestPath)
        // Read while the manifest is locked and walked (a Task: an async
        // let cannot be awaited inside the update's closure).
        let inheritedOwner = Task { await RepoInfoReader.loadInheritedOwner(git: git) }
        defer { inheritedOwner.cancel() }

        let manifestDirectory = PathUtilities.dirname(manifestFile.path)
        if !FileSystem.isDirectory(manifestDirectory) { _ = FileSystem.makeDirectories(manifestDirectory) }
        var outcome = Outcome()
        var stamps: FingerprintStampCache? = nil
        do {
            _ = try await manifestFile.update(pretty: options.pretty, lock: lockManifest, read: readManifest) { (manifest) async throws(Failure) -> Bool in
                if options.remove {
                    remove(options.paths, from: &manifest)
                } else {
                    outcome = try await refresh(&manifest, path: manifestFile.path, owner: inheritedOwner, stamps: &stamps)
                }
                logger.debug("Writing new \(manifestFile.path)")
                return true
            } written: { _ in
                logger.debug("Wrote \(manifestFile.path)")
                stamps?.save()
            }
        } catch {
            return exitStatus(after: error, path: manifestFile.path)
        }
        if options.remove { return .success }
        if options.fetchObjstore { await fetchIntoObjectStores(outcome.updated) }
        let seconds = (ContinuousClock.now - started).inSeconds
        if outcome.targets.count > 1 {
            logger.info("Updated \(outcome.targets.count) records in \(Int(seconds))s")
        } else {
            logger.info("Done in \(NumberFormat.twoDecimals(seconds))s")
        }
        return outcome.targets.unreadable.isEmpty && !outcome.invalid ? .success : .failure
    }

    /// What an update (not a removal) did, for the steps after it and the
    /// exit status.
    private struct Outcome {
        var targets = Targets()
        /// The repositories whose fingerprint changed.
        var updated: [(fullpath: String, gitdir: Gitdir)] = []
        /// Some repository was one git would not open.
        var invalid = false
    }

    /// Selects what to read (see `select`), reads it into `manifest`, then
    /// records the symlinks. `stamps` is set up for a full walk.
    private func refresh(_ manifest: inout Manifest, path: String, owner: Task<String?, Never>,
                         stamps: inout FingerprintStampCache?) async throws(Failure) -> Outcome {
        let useNow = options.useNow && !manifest.isEmpty
        var outcome = Outcome()
        outcome.targets = try select(in: &manifest)
        // Full walks remember stamped fingerprints; a hook run's repository
        // has just changed, so it would gain nothing.
        stamps = outcome.targets.foundByWalk == nil ? nil : FingerprintStampCache(manifestPath: path)
        stamps?.load()
        let read = try await readAndFold(outcome.targets.repositories, into: &manifest, useNow: useNow, owner: await owner.value, stamps: &stamps)
        (outcome.updated, outcome.invalid) = read
        if let foundByWalk = outcome.targets.foundByWalk { pruneSymlinks(in: &manifest, keeping: foundByWalk) }
        for (path, gitdir) in outcome.targets.symlinks { recordSymlink(path: path, gitdir: gitdir, in: &manifest) }
        return outcome
    }

    /// Logs why the update failed and says how the run ends: a file that is
    /// not a manifest is a usage error (exit 2), anything else a failure.
    private func exitStatus(after error: ManifestFile.UpdateError<Failure>, path: String) -> ExitStatus {
        switch error {
        case .lock(let failure):
            logger.critical("\(failure.description)")
        case .read(let failure):
            if case .notAManifest = failure {
                logger.critical("\(failure.description); left untouched. Check -m/--manifest and [core] manifest.")
                return .usage
            }
            logger.critical("\(failure.description)")
        case .change(let failure):
            logger.critical("\(failure.message)")
            logger.critical("Manifest \(path) left untouched.")
        case .write(let failure):
            logger.critical("\(failure.description)")
            logger.debug("Wrote \(path)")
        }
        return .failure
    }

    /// What one run reads and records: repositories, symlinks, and what
    /// the walk (if any) found and could not read.
    private struct Targets {
        var repositories: [(fullpath: String, gitdir: Gitdir)] = []
        var symlinks: [(path: String, gitdir: Gitdir)] = []
        /// The symlinks a full walk found (nil without a walk): only these
        /// stay in `symlinks` lists.
        var foundByWalk: Set<Gitdir>? = nil
        var unreadable: [String] = []
        var count: Int { repositories.count + symlinks.count }
    }

    /// Takes the manifest's lock; with `--wait-for-manifest`, waits (without
    /// holding it) until the manifest exists.
    private func lockManifest(_ file: ManifestFile) async throws(FileLock.Error) -> FileLock {
        var lock = try FileLock.acquire(for: file.path)
        while options.waitForManifest && !file.exists {
            logger.info(" manifest: manifest does not exist yet, waiting ...")
            lock.release()
            try? await Task.sleep(for: .seconds(1))
            lock = try FileLock.acquire(for: file.path)
        }
        return lock
    }

    /// The manifest to update: a missing or unparseable one is regenerated;
    /// a file that is not a manifest at all, or cannot be read, is thrown
    /// (never replaced).
    private func readManifest(_ file: ManifestFile) throws(ManifestFile.ReadError) -> Manifest {
        if !file.exists { logger.info(" manifest: no local manifest, assuming initial run") }
        logger.debug("Reading \(file.path)")
        do {
            let manifest = try file.read()
            logger.debug("Manifest contains \(manifest.count) entries")
            if let warning = Self.keptUnchangedWarning(manifest.undecodable) { logger.warning("\(warning)") }
            return manifest
        } catch {
            guard case .undecodable = error else { throw error }
            logger.critical("Unable to parse \(file.path), will regenerate (\(error.description))")
            return Manifest()
        }
    }

    /// What a run says about the entries it writes back unchanged
    /// (`UndecodableEntry`): once, with how many and the first few names,
    /// since a hook runs on every push. Nil when there are none.
    static func keptUnchangedWarning(_ kept: [UndecodableEntry]) -> String? {
        guard !kept.isEmpty else { return nil }
        let named = kept.prefix(3).map { "\"" + $0.spelling + "\"" }.joined(separator: ", ")
        let more = kept.count > 3 ? " and \(kept.count - 3) more" : ""
        return "Keeping \(kept.count) manifest \(kept.count == 1 ? "entry" : "entries") unchanged (\(named)\(more)): "
            + "a key or value is not valid UTF-8 after JSON decoding (a lone surrogate escape, written for a name that is not UTF-8), "
            + "so no path can be named from it exactly"
    }

    /// The repositories and symlinks this run looks at: a full walk (which
    /// drops vanished entries, within `RemovalProtection`) and/or the given
    /// paths; entries whose repository was replaced by a symlink become
    /// symlinks; `-c` leaves out what is not exported.
    private func select(in manifest: inout Manifest) throws(Failure) -> Targets {
        var targets = Targets()
        var candidates: [Candidate] = []
        let before = manifest.count
        var vanished: Set<Gitdir> = []
        if ManifestTargets.needsFullWalk(purge: options.purge, paths: options.paths, manifestIsEmpty: manifest.isEmpty) {
            let walk = walkToplevel(dropping: &manifest)
            candidates = walk.candidates
            targets.foundByWalk = Set(candidates.compactMap { candidate in
                if case .symlink(_, let gitdir) = candidate { return gitdir }
                return nil
            })
            targets.unreadable = walk.unreadable
            vanished = walk.vanished
        }
        if !manifest.isEmpty && !options.paths.isEmpty {
            candidates += try classify(options.paths, toplevel: options.toplevel, excluding: Set(candidates.map(\.gitdir)))
        }
        // A walk has classified every path it saw; without one, each entry
        // is looked at once.
        if targets.foundByWalk == nil { candidates += replacedBySymlinks(in: manifest, excluding: Set(candidates.map(\.gitdir))) }
        if options.checkExportOK { candidates = exported(candidates, in: &manifest) }
        // Everything a walk drops (gone, or no longer exported) counts.
        if targets.foundByWalk != nil, !options.forcePurge, let why = RemovalProtection.standard.refusal(removing: before - manifest.count, of: before) {
            throw Failure(message: "Refusing to drop repositories from the manifest: \(why). Is \(options.toplevel) mounted? "
                          + "If they were deleted (or unexported) on purpose, run again with --force-purge.")
        }
        for gitdir in vanished.sorted() { logger.info(" manifest: purged \(gitdir) (gone)") }
        for candidate in candidates {
            switch candidate {
            case .repository(let fullpath, let gitdir): targets.repositories.append((fullpath, gitdir))
            case .symlink(let path, let gitdir):
                if manifest.contains(gitdir) {
                    logger.info(" manifest: \(gitdir) is now a symlink, no longer a repository of its own")
                    manifest[gitdir] = nil
                }
                targets.symlinks.append((path, gitdir))
            }
        }
        return targets
    }

    /// Walks toplevel and drops the entries whose repository is gone (the
    /// caller applies `RemovalProtection`). Entries below a directory the
    /// walk could not read are kept, and so are the manifest's undecodable
    /// members: their key may name no directory exactly, so the walk cannot
    /// tell that one is gone.
    private func walkToplevel(dropping manifest: inout Manifest) -> (candidates: [Candidate], unreadable: [String], vanished: Set<Gitdir>) {
        let toplevel = options.toplevel
        logger.info("   search: finding all repos in \(toplevel)")
        let walk = RepositoryWalker(ignore: options.ignorePaths, excludeObjectStores: true).walk(under: toplevel)
        var candidates: [Candidate] = []
        for fullpath in walk.found {
            guard let gitdir = Gitdir.of(fullpath: fullpath, toplevel: toplevel) else { continue }
            candidates.append(FileSystem.isSymlink(fullpath) ? .symlink(path: fullpath, gitdir: gitdir) : .repository(fullpath: fullpath, gitdir: gitdir))
        }
        for path in walk.undecodable { logger.warning("Skipping \(path): its name is not valid UTF-8, so no manifest can name it") }
        for directory in walk.unreadable { logger.error("Cannot read \(directory) (\(FileSystem.errorDescription(walk.errors[directory] ?? EACCES))); keeping its entries") }
        let unreadable = walk.unreadable.compactMap { Gitdir.of(fullpath: $0, toplevel: toplevel) }
        let vanished = ManifestTargets.vanished(in: manifest, found: Set(candidates.map(\.gitdir)), unreadable: unreadable)
        manifest.remove(vanished)
        return (candidates, walk.unreadable, vanished)
    }

    /// Entries recorded as repositories whose path is now a symlink (a
    /// repository replaced by a link to another): they are recorded as
    /// symlinks instead, in every mode, so replicas stop fetching them.
    private func replacedBySymlinks(in manifest: Manifest, excluding known: Set<Gitdir>) -> [Candidate] {
        manifest.gitdirs.compactMap { gitdir in
            // One lstat each (a hook run on a 30,000-entry manifest pays it
            // for every entry); the path check only for the rare symlink.
            let path = gitdir.fullpath(in: options.toplevel)
            guard FileSystem.isSymlink(path), !known.contains(gitdir), gitdir.isClean else { return nil }
            return .symlink(path: path, gitdir: gitdir)
        }
    }

    /// `-c`: candidates without git-daemon-export-ok are left out, and
    /// removed from the manifest if they were in it.
    private func exported(_ candidates: [Candidate], in manifest: inout Manifest) -> [Candidate] {
        candidates.filter { candidate in
            if FileSystem.exists(candidate.path + "/" + MarkerFile.exportOK) { return true }
            if manifest.contains(candidate.gitdir) {
                logger.info(" manifest: removed \(candidate.gitdir) (no longer exported)")
                manifest[candidate.gitdir] = nil
            }
            return false
        }
    }

    /// Reads every repository and folds what it found into the manifest.
    /// Returns the repositories whose fingerprint changed, and whether any
    /// was one git would not open (left out, an existing entry kept as it was).
    private func readAndFold(_ repositories: [(fullpath: String, gitdir: Gitdir)], into manifest: inout Manifest, useNow: Bool, owner: String?,
                             stamps: inout FingerprintStampCache?) async throws(Failure) -> (updated: [(fullpath: String, gitdir: Gitdir)], invalid: Bool) {
        let reader = RepoInfoReader(git: git, inheritedOwner: owner)
        logger.debug("Reading \(repositories.count) repositories, \(concurrency) at a time")
        let outcomes = try await readAll(repositories.map { ($0.fullpath, $0.gitdir) }, manifest: manifest, reader: reader, useNow: useNow,
                                         stamps: stamps)
        var updated: [(fullpath: String, gitdir: Gitdir)] = []
        var invalid = false
        for ((fullpath, gitdir), outcome) in zip(repositories, outcomes) {
            switch outcome {
            case .info(let info, let stamped):
                stamps?.record(fullpath, stamped)
                if manifest[gitdir]?.fingerprint != info.fingerprint { updated.append((fullpath, gitdir)) }
                await fold(info, fullpath: fullpath, gitdir: gitdir, into: &manifest)
            case .notARepository(let problem):
                invalid = true
                let kept = manifest.contains(gitdir) ? "; its manifest entry is kept as it was" : ""
                logger.critical(" manifest: \(gitdir) is not a repository git would open (\(problem)), not published\(kept)")
            case .noRefs, nil:
                logger.info(" manifest: ignored \(gitdir) (no heads)")
            }
        }
        return (updated, invalid)
    }

    // MARK: Steps

    /// `-o`: the updated repositories' new objects go into their objstore
    /// repositories now, after the manifest is written and unlocked; an
    /// objstore another process holds is left to grok-fsck.
    private func fetchIntoObjectStores(_ updated: [(fullpath: String, gitdir: Gitdir)]) async {
        let attachment = ObjectStoreAttachment(objstore: options.objstore ?? options.toplevel + "/objstore", plumbing: options.objstoreUsesPlumbing,
                                               preloadBundleURL: nil, git: git, logger: logger)
        for (fullpath, gitdir) in updated where !options.privateRepos.anyMatches(gitdir) {
            guard let store = Alternates.borrowedRepository(of: fullpath), BareRepository.isObjectStore(store) else { continue }
            logger.info(" manifest: objstore \(gitdir) -> \(PathUtilities.basename(store))")
            await attachment.fetchIn(PathUtilities.realpath(fullpath), store: store, wait: false)
        }
    }

    /// Hook-mode paths: each must be a repository (or a symlink to one)
    /// inside toplevel; anything else fails the run before any change.
    private func classify(_ paths: [String], toplevel: String, excluding known: Set<Gitdir>) throws(Failure) -> [Candidate] {
        var result: [Candidate] = []
        var seen = known
        for given in paths {
            let absolute = PathUtilities.absolute(given)
            let resolved = PathUtilities.realpath(absolute)
            let isLink = absolute != resolved && FileSystem.isSymlink(absolute)
            let path = isLink ? absolute : resolved
            guard let gitdir = Gitdir.of(fullpath: path, toplevel: toplevel) else {
                throw Failure(message: "Error opening \(given): it is not inside toplevel \(toplevel).")
            }
            // A symlink is judged by recordSymlink: broken or escaping ones
            // are skipped with an error, as grokmirror does.
            guard isLink || BareRepository.isBare(path) else {
                throw Failure(message: "Error opening \(given). Make sure it is a bare git repository.")
            }
            guard seen.insert(gitdir).inserted else { continue }
            result.append(isLink ? .symlink(path: path, gitdir: gitdir) : .repository(fullpath: path, gitdir: gitdir))
        }
        return result
    }

    /// Reads every repository, at most `concurrency` at a time, returning
    /// results in input order.
    private func readAll(_ repositories: [(String, Gitdir)], manifest: Manifest, reader: RepoInfoReader, useNow: Bool,
                         stamps: FingerprintStampCache?) async throws(Failure) -> [RepoInfoReader.Outcome?] {
        let now = Int(time(nil))
        let ignoreRefs = options.ignoreRefs
        var results = [RepoInfoReader.Outcome?](repeating: nil, count: repositories.count)
        var firstError: String? = nil
        let total = repositories.count
        await withTaskGroup(of: RepoReadOutcome.self) { group in
            var next = 0
            func launch() {
                guard next < repositories.count else { return }
                let index = next
                next += 1
                let (fullpath, gitdir) = repositories[index]
                let previous = manifest[gitdir].map { RepoInfoReader.Previous(fingerprint: $0.fingerprint, modified: $0.modified) }
                let known = stamps?.known(fullpath)
                group.addTask {
                    do {
                        let outcome = try await reader.read(fullpath: fullpath, ignoreRefs: ignoreRefs, useNow: useNow, previous: previous, now: now,
                                                            known: known)
                        return RepoReadOutcome(index: index, outcome: outcome, error: nil)
                    } catch {
                        return RepoReadOutcome(index: index, outcome: nil, error: "\(fullpath): \(error)")
                    }
                }
            }
            for _ in 0..<concurrency { launch() }
            var done = 0
            for await outcome in group {
                done += 1
                if total >= 100 { ProgressLine.shared.update("grok-manifest: \(done)/\(total) repositories") }
                results[outcome.index] = outcome.outcome
                if firstError == nil { firstError = outcome.error }
                launch()
            }
        }
        ProgressLine.shared.clear()
        if let firstError { throw Failure(message: firstError) }
        return results
    }

    private func fold(_ info: RepoInfo, fullpath: String, gitdir: Gitdir, into manifest: inout Manifest) async {
        var previous = manifest[gitdir]
        let legacyKey = Gitdir(String(gitdir.path.dropFirst()))
        if previous == nil, let legacy = manifest[legacyKey] {
            // grokmirror 1.x wrote keys without the leading slash.
            manifest[legacyKey] = nil
            previous = legacy
        }
        if previous == nil, manifest.undecodable.contains(where: { $0.gitdir == gitdir }) {
            logger.warning(" manifest: \(gitdir) had an entry with a value that is not valid UTF-8; replacing it with what the repository holds")
        }
        logger.info(" manifest: \(previous == nil ? "added" : "updated") \(gitdir)")
        var siblingURLs: [String] = []
        if previous?.forkgroup != info.forkgroup, let borrowed = info.borrowed {
            siblingURLs = await remoteURLs(of: borrowed)
        }
        let reference = ManifestEntryUpdate.reference(previous: previous, info: info, objstoreSiblingURLs: siblingURLs, toplevel: options.toplevel)
        manifest[gitdir] = ManifestEntryUpdate.apply(info, to: previous, reference: reference)
    }

    /// `git remote -v` URLs of an objstore repository: its siblings' paths.
    private func remoteURLs(of repository: String) async -> [String] {
        guard let result = try? await git.run(gitDir: repository, ["remote", "-v"]), result.succeeded else { return [] }
        return result.output.split(separator: "\n").compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            return fields.count >= 2 ? String(fields[1]) : nil
        }
    }

    /// On a full walk, symlinks that are gone are dropped from `symlinks`
    /// (grokmirror keeps listing them forever).
    private func pruneSymlinks(in manifest: inout Manifest, keeping found: Set<Gitdir>) {
        for gitdir in manifest.gitdirs {
            guard var entry = manifest[gitdir], !entry.symlinks.isEmpty else { continue }
            let kept = entry.symlinks.filter { found.contains($0) }
            if kept != entry.symlinks {
                entry.symlinks = kept
                manifest[gitdir] = entry
            }
        }
    }

    private func recordSymlink(path: String, gitdir relative: Gitdir, in manifest: inout Manifest) {
        let target = PathUtilities.realpath(path)
        guard FileSystem.exists(target) else {
            logger.critical(" manifest: symlink \(relative) is broken, ignored")
            return
        }
        guard let targetGitdir = Gitdir.of(fullpath: target, toplevel: options.toplevel) else {
            logger.critical(" manifest: symlink \(relative) points outside toplevel, ignored")
            return
        }
        guard var entry = manifest[targetGitdir] else {
            logger.critical(" manifest: symlink \(relative) points to \(targetGitdir), which we do not recognize")
            return
        }
        if entry.symlinks.contains(relative) {
            logger.info(" manifest: \(relative)->\(targetGitdir) is already in manifest")
        } else {
            entry.symlinks.append(relative)
            manifest[targetGitdir] = entry
            logger.info(" manifest: symlinked \(relative)->\(targetGitdir)")
        }
        for gitdir in manifest.gitdirs where manifest[gitdir]?.reference.map({ Gitdir($0) }) == relative {
            manifest[gitdir]!.reference = targetGitdir.path
        }
    }

    private func remove(_ paths: [String], from manifest: inout Manifest) {
        for given in paths {
            let gitdir = Gitdir("/" + PathUtilities.relative(PathUtilities.absolute(given), to: options.toplevel))
            if manifest.contains(gitdir) {
                manifest[gitdir] = nil
                logger.info(" manifest: removed \(gitdir)")
                continue
            }
            var found = false
            for owner in manifest.gitdirs where manifest[owner]!.symlinks.contains(gitdir) {
                found = true
                manifest[owner]!.symlinks.removeAll { $0 == gitdir }
                logger.info(" manifest: removed symlink \(gitdir)->\(owner)")
            }
            if !found { logger.info(" manifest: \(gitdir) not in manifest") }
        }
    }
}

extension ManifestUpdater.Candidate {
    var gitdir: Gitdir {
        switch self {
        case .repository(_, let gitdir), .symlink(_, let gitdir): return gitdir
        }
    }
    var path: String {
        switch self {
        case .repository(let fullpath, _): return fullpath
        case .symlink(let path, _): return path
        }
    }
}
