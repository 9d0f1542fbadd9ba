import Glibc
import Logging

/// One grok-fsck run: reconcile the status with the manifest and the disk,
/// decide per repository, then repack or check what needs it, saving the
/// status after each repository.
public struct FsckRun: Sendable {
    public enum ExitStatus: Int32, Sendable {
        case success = 0
        /// The run could not do its work (status or manifest unusable).
        case failed = 1
        case unusable = 2
    }

    public struct Options: Sendable {
        public var force = false
        public var repackOnly = false
        public var connectivityOnly = false
        public var repackAllQuick = false
        public var repackAllFull = false
        public init() {}
    }

    public let config: GrokConfig
    public let settings: FsckSettings
    public let options: Options
    public let logger: Logger
    public let git: GitRunner
    private let core: GrokConfig.Core
    private let mode: FsckDecision.Mode
    private let recipeOptions: RepackRecipe.Options

    public init(config: GrokConfig, settings: FsckSettings, options: Options, logger: Logger, git: GitRunner = GitRunner()) {
        self.config = config
        self.settings = settings
        var options = options
        if options.repackAllQuick || options.repackAllFull { options.force = true }
        self.options = options
        self.logger = logger
        self.git = git
        core = config.core
        mode = FsckDecision.Mode(settings: settings, options: options)
        recipeOptions = RepackRecipe.Options(settings: settings)
    }

    /// One repository's queued work.
    struct Job {
        let fullpath: String
        let work: FsckDecision.Work
        let kind: RepoKind
        let safeToPrune: Bool
        let wasPrecious: Bool
    }

    public func run() async -> ExitStatus {
        let statusDirectory = PathUtilities.dirname(settings.statusFile)
        guard FileSystem.isDirectory(statusDirectory) else {
            logger.critical("Directory \(statusDirectory) is absent (the directory of fsck.statusfile)")
            return .failed
        }
        let treeLock: FileLock
        do {
            guard let lock = try FileLock.tryAcquire(for: settings.statusFile) else {
                logger.info("Could not obtain exclusive lock on \(FileLock.lockPath(for: settings.statusFile))")
                logger.info("Assuming another process is running.")
                return .success
            }
            treeLock = lock
        } catch {
            logger.critical("\(error.description)")
            return .failed
        }
        defer { treeLock.release() }

        let statusFile = FsckStatusFile(path: settings.statusFile)
        var status: FsckStatus
        do {
            if statusFile.exists { logger.info("   status: reading \(settings.statusFile)") }
            status = try statusFile.read()
        } catch {
            logger.critical("\(error.description)")
            return .failed
        }
        // What the statusfile holds: a run that changes nothing before its
        // first repository does not rewrite it.
        var onDisk = statusFile.exists ? status : nil
        let journal = FsckStatusJournal(statusFile: settings.statusFile)
        let recovered = journal.replay(into: &status, statusFileModified: FileSystem.modificationTime(settings.statusFile))
        if recovered > 0 { logger.info("   status: recovered \(recovered) records of an interrupted run from \(journal.path)") }
        let today = CheckDate.today()
        var random = SystemRandomNumberGenerator()
        guard let manifest = await reconcileManifest(with: &status, today: today, random: &random) else { return .failed }
        if status != onDisk {
            // Durable: the journal replayed into it goes next.
            guard save(&status, to: statusFile, durable: true) else { return .failed }
            onDisk = status
        }
        AtomicFile.removeStaleTemporaries(of: settings.statusFile)
        journal.remove()

        let objstore = PathUtilities.realpath(core.objstore)
        var borrowers = BorrowerMap.scan(toplevel: core.toplevel, objstore: objstore)
        var migration = await ObjectStoreMigration.scan(ObjectStoreMigration.Settings(objstore: objstore, core: core, fsck: settings), git: git, logger: logger)
        var jobs = await analyze(&status, manifest: manifest, objstore: objstore, borrowers: borrowers, migration: &migration, today: today, random: &random)
        if migration.changed { borrowers = BorrowerMap.scan(toplevel: core.toplevel, objstore: objstore) }
        if Task.isCancelled { return status == onDisk || save(&status, to: statusFile) ? .success : .failed }
        let upkeep = await ObjectStoreUpkeep(settings: ObjectStoreUpkeep.Settings(objstore: objstore, core: core, fsck: settings), git: git, logger: logger)
            .run(borrowers: borrowers, storeRoots: migration.storeRoots, listed: { manifest.contains(Gitdir($0)) })
        borrowers = upkeep.borrowers
        guard await recordForkgroups(upkeep.links) else { return .failed }
        jobs += await analyzeObjectStores(&status, objstore: objstore, borrowers: borrowers, changed: upkeep.changed, today: today)
        if status != onDisk {
            guard save(&status, to: statusFile) else { return .failed }
        }
        if jobs.isEmpty {
            logger.info("No repos need attention.")
            return .success
        }
        let writer: FsckStatusWriter
        do { writer = try FsckStatusWriter(file: statusFile, status: status) } catch {
            logger.critical("\(error.description)")
            return .failed
        }
        let processed = await process(jobs, status: &status, writer: writer, today: today, random: &random)
        if let failure = await writer.finish() {
            logger.critical("\(failure.description)")
            return .failed
        }
        return processed ? .success : .failed
    }

    // MARK: Reconcile

    /// Drops repositories gone from disk from the manifest and the status,
    /// and adds repositories new to the status with their first check day.
    /// Returns the manifest, or nil when it cannot be read or written.
    private func reconcileManifest<R: RandomNumberGenerator>(with status: inout FsckStatus, today: CheckDate, random: inout R) async -> Manifest? {
        logger.info("Analyzing \(core.manifest)")
        do {
            return try await ManifestFile(path: core.manifest).update(pretty: manifestPretty) { manifest in
                await reconcile(&manifest, with: &status, today: today, random: &random)
            }
        } catch {
            if case .read(let failure) = error { logger.critical("Cannot read the manifest: \(failure.description)") } else { logger.critical("\(error.description)") }
            return nil
        }
    }

    /// The manifest's side of `reconcileManifest`, under its lock; true
    /// when entries were removed.
    private func reconcile<R: RandomNumberGenerator>(_ manifest: inout Manifest, with status: inout FsckStatus, today: CheckDate, random: inout R) async -> Bool {
        let reader = FingerprintReader(git: git)
        var missing: Set<Gitdir> = []
        for gitdir in manifest.gitdirs {
            guard let fullpath = fullpath(of: gitdir) else {
                logger.error("Ignoring manifest entry \(gitdir): not a path inside \(core.toplevel)")
                continue
            }
            guard FileSystem.isDirectory(fullpath) else { missing.insert(gitdir); continue }
            if status[fullpath] == nil {
                let next = FsckSchedule.firstCheck(today: today, frequency: settings.frequency, force: options.force, using: &random)
                status[fullpath] = FsckStatus.Record(nextCheck: next, fingerprint: await CachedFingerprint.readOrRecord(fullpath, reader: reader))
                logger.info("\(fullpath):")
                logger.info("    added: next check on \(next)")
            }
        }
        guard !missing.isEmpty else { return false }
        // A tree that vanished wholesale is an unmounted or broken disk, not
        // a mass deletion: keep the manifest and the status as they are.
        if let why = RemovalProtection.standard.refusal(removing: missing.count, of: manifest.count) {
            logger.critical("\(missing.count) of \(manifest.count) repositories in \(core.manifest) are missing under \(core.toplevel); not removing them, since \(why) (is the filesystem mounted?)")
            return false
        }
        for gitdir in missing.sorted() {
            logger.info("\(gitdir): gone from disk, removing from the manifest and status")
            if let fullpath = fullpath(of: gitdir) { status[fullpath] = nil }
        }
        manifest.remove(missing)
        return true
    }

    private var manifestPretty: Bool { (try? config.manifestSettings().pretty) ?? false }

    /// toplevel + gitdir, when the gitdir is a clean path.
    private func fullpath(of gitdir: Gitdir) -> String? {
        gitdir.isClean ? gitdir.fullpath(in: core.toplevel) : nil
    }

    // MARK: Analyze

    private func analyze<R: RandomNumberGenerator>(_ status: inout FsckStatus, manifest: Manifest, objstore: String, borrowers: BorrowerMap,
                                                   migration: inout ObjectStoreMigration, today: CheckDate, random: inout R) async -> [Job] {
        let maintainer = maintainer()
        let reader = FingerprintReader(git: git)
        let paths = status.paths
        logger.info("Analyzing \(core.toplevel) (\(paths.count) repos)")
        var jobs: [Job] = []
        var progress = ProgressClock()
        for (index, fullpath) in paths.enumerated() {
            // Interrupted: what was analyzed so far is saved by the caller.
            if Task.isCancelled { break }
            if progress.due() { logger.info("      ---: \(index)/\(paths.count) analyzed, \(jobs.count) queued") }
            if PathUtilities.isInside(fullpath, root: objstore) { continue }
            guard let gitdir = Gitdir.of(fullpath: fullpath, toplevel: core.toplevel), manifest.contains(gitdir) else {
                status[fullpath] = nil
                logger.debug("\(fullpath) is gone, no longer in manifest")
                continue
            }
            guard FileSystem.isDirectory(fullpath) else { continue }  // kept by the reconcile (unmounted?), schedule and all
            guard var record = status[fullpath] else { continue }
            maintainer.pointFetchHeadAtDevNull(fullpath)
            var borrowed = Alternates.borrowedRepository(of: fullpath)
            if let borrowed, !FileSystem.isDirectory(borrowed) {
                logger.critical("  reclone: \(gitdir) (alternates repo gone)")
                maintainer.requestReclone(fullpath, reason: "Alternates repository gone")
                continue
            }
            let realpath = PathUtilities.realpath(fullpath)
            switch await migration.migrate(realpath, gitdir: gitdir.path, borrowed: borrowed) {
            case .unchanged: break
            case .failed(let message): logger.critical("\(message)")
            case .migrated(let repacked):
                for path in repacked { await repackAfterMigration(path, objstore: objstore, borrowers: borrowers, maintainer: maintainer) }
                borrowed = Alternates.borrowedRepository(of: fullpath)
            }
            let kind = RepoKind.of(realpath, objstore: objstore, borrowed: borrowed, borrowers: borrowers)
            var facts = FsckDecision.Facts(counts: ObjectCounts.measure(gitDir: fullpath))
            let fingerprint = await CachedFingerprint.readOrRecord(fullpath, reader: reader)
            facts.fingerprintChanged = record.fingerprint != fingerprint
            facts.checkDue = record.nextCheck.map { $0 <= today } ?? true
            facts.fullRepackRequested = FileSystem.exists(fullpath + "/" + MarkerFile.repack)
            facts.precious = BareRepository.isPrecious(fullpath)
            facts.safeToPrune = safeToPrune(kind, fullpath: realpath, borrowers: borrowers)
            let outcome = FsckDecision.decide(facts, mode: mode)
            if outcome.reschedule {
                record.nextCheck = FsckSchedule.nextCheck(today: today, frequency: settings.frequency, force: options.force, using: &random)
                status[fullpath] = record
                logger.info("     aged: \(fullpath) (forcing repack)")
            }
            if outcome.pruneGarbage {
                logger.info("  garbage: \(gitdir) (\(facts.counts.garbage) files, \(facts.counts.garbageSizeKiB) KiB)")
                if let lock = try? FileLock.tryAcquire(for: fullpath) {
                    _ = await maintainer.prune(fullpath, lendsObjects: kind.lendsObjects)
                    lock.release()
                }
            }
            if let job = queue(outcome.work, fullpath: fullpath, label: fullpath, kind: kind, facts: facts) { jobs.append(job) }
        }
        logger.info("     done: \(paths.count) analyzed, \(jobs.count) queued")
        return jobs
    }

    /// A repository that just moved into an objstore drops the objects it
    /// now borrows: a quick repack for its kind, never pruning a lender.
    private func repackAfterMigration(_ path: String, objstore: String, borrowers: BorrowerMap, maintainer: RepoMaintainer) async {
        guard let lock = await lockRepository(path) else { return }
        defer { lock.release() }
        let kind = RepoKind.of(path, objstore: objstore, borrowed: Alternates.borrowedRepository(of: path), borrowers: borrowers)
        let recipe = RepackRecipe(kind: kind, level: .quick, safeToPrune: mode.prune && safeToPrune(kind, fullpath: path, borrowers: borrowers),
                                  wasPrecious: BareRepository.isPrecious(path), options: recipeOptions)
        if !(await maintainer.repack(path, recipe: recipe, lendsObjects: kind.lendsObjects)) {
            logger.warning("Repacking \(path) was unsuccessful")
        }
    }

    /// Writes each sibling's forkgroup and reference into the manifest,
    /// re-read under its lock, when they differ from what it says.
    private func recordForkgroups(_ links: [(gitdir: String, forkgroup: String, reference: String?)]) async -> Bool {
        guard !links.isEmpty else { return true }
        do {
            _ = try await ManifestFile(path: core.manifest).update(pretty: manifestPretty) { ObjectStorePlan.record(links, in: &$0) }
        } catch {
            logger.critical("Cannot record forkgroups in \(core.manifest): \(error)")
            return false
        }
        return true
    }

    /// Objstore repositories: repacked by their own counts (full when new
    /// to the status, changed by the upkeep or asked for), checked on their
    /// schedule.
    private func analyzeObjectStores(_ status: inout FsckStatus, objstore: String, borrowers: BorrowerMap, changed: Set<String>,
                                     today: CheckDate) async -> [Job] {
        let repositories = ObjectStoreMigration.objectStores(in: objstore)
        guard !repositories.isEmpty else { return [] }
        for stale in status.paths where PathUtilities.isInside(stale, root: objstore) && !FileSystem.isDirectory(stale) && FileSystem.isDirectory(objstore) {
            status[stale] = nil
        }
        var jobs: [Job] = []
        for fullpath in repositories {
            var facts = FsckDecision.Facts(counts: ObjectCounts.measure(gitDir: fullpath))
            facts.isObjectStore = true
            facts.fullRepackRequested = FileSystem.exists(fullpath + "/" + MarkerFile.repack)
            if status[fullpath] == nil || changed.contains(fullpath) {
                status[fullpath] = FsckStatus.Record(nextCheck: today, fingerprint: nil)
                facts.fullRepackRequested = true
            }
            facts.checkDue = status[fullpath]?.nextCheck.map { $0 <= today } ?? true
            facts.precious = BareRepository.isPrecious(fullpath)
            facts.safeToPrune = safeToPrune(.objectStore, fullpath: fullpath, borrowers: borrowers)
            let outcome = FsckDecision.decide(facts, mode: mode)
            let label = PathUtilities.basename(fullpath)
            if let job = queue(outcome.work, fullpath: fullpath, label: label, kind: .objectStore, facts: facts) { jobs.append(job) }
        }
        logger.info("     done: \(repositories.count) analyzed, \(jobs.count) queued")
        return jobs
    }

    private func queue(_ work: FsckDecision.Work, fullpath: String, label: String, kind: RepoKind, facts: FsckDecision.Facts) -> Job? {
        switch work {
        case .nothing: return nil
        case .repack(let level): logger.info("   queued: \(label) (\(level == .full ? "full repack" : "repack"))")
        case .fsck: logger.info("   queued: \(label) (fsck)")
        }
        return Job(fullpath: fullpath, work: work, kind: kind, safeToPrune: facts.safeToPrune && mode.prune, wasPrecious: facts.precious)
    }

    private func safeToPrune(_ kind: RepoKind, fullpath: String, borrowers: BorrowerMap) -> Bool {
        let remotes = kind == .objectStore ? GitConfigFile.read(gitDir: fullpath)?.remoteURLs.map(PathUtilities.realpath) ?? [] : []
        return RepoKind.isSafeToPrune(kind, fullpath: fullpath, remoteURLs: remotes, borrowers: borrowers)
    }

    private func maintainer() -> RepoMaintainer {
        RepoMaintainer(git: git, filter: ErrorLineFilter(ignore: settings.ignoreErrors, reclone: settings.recloneOnErrors), logger: logger)
    }

    // MARK: Process

    private func process<R: RandomNumberGenerator>(_ jobs: [Job], status: inout FsckStatus, writer: FsckStatusWriter, today: CheckDate, random: inout R) async -> Bool {
        logger.info("Processing \(jobs.count) repositories")
        let maintainer = maintainer()
        let reader = FingerprintReader(git: git)
        var done = 0
        var totalElapsed = 0.0
        var spaceSaved = 0
        for job in jobs {
            if Task.isCancelled { logger.info("Interrupted: \(jobs.count - done) repositories left for the next run"); break }
            let fullpath = job.fullpath
            logger.info("\(fullpath):")
            guard let lock = await lockRepository(fullpath) else { continue }
            // Only repacks change the size; a check needs no measuring.
            let measuresSize = job.work != .fsck
            let startSize = measuresSize ? ObjectCounts.measure(gitDir: fullpath).totalSizeKiB : 0
            let started = MonotonicTime.seconds()
            let next = FsckSchedule.nextCheck(today: today, frequency: settings.frequency, force: options.force, using: &random)
            var record = status[fullpath] ?? FsckStatus.Record(nextCheck: today, fingerprint: nil)
            let lends = job.kind.lendsObjects
            switch job.work {
            case .nothing: break
            case .repack(let level):
                let recipe = RepackRecipe(kind: job.kind, level: level, safeToPrune: job.safeToPrune, wasPrecious: job.wasPrecious, options: recipeOptions)
                guard await maintainer.repack(fullpath, recipe: recipe, lendsObjects: lends) else {
                    logger.warning("Repacking \(fullpath) was unsuccessful")
                    lock.release()
                    continue
                }
                if level == .full {
                    unlink(fullpath + "/" + MarkerFile.repack)
                    record.recordFullRepack(on: today, next: next)
                    if job.kind == .objectStore, let directory = settings.preloadBundleDirectory { await writeBundle(of: fullpath, into: directory) }
                    logger.info("     next: \(next)")
                } else {
                    record.recordQuickRepack(on: today)
                }
            case .fsck:
                let connectivityOnly = options.connectivityOnly || (job.kind == .borrower && borrowsFromObjectStore(fullpath))
                await maintainer.fsck(fullpath, connectivityOnly: connectivityOnly, lendsObjects: lends)
                record.recordCheck(on: today, next: next)
                logger.info("     next: \(next)")
            }
            // A check or repack cut short by a stop request is not recorded.
            if Task.isCancelled { lock.release(); continue }
            if job.kind != .objectStore { record.fingerprint = await CachedFingerprint.readOrRecord(fullpath, reader: reader) }
            let elapsed = MonotonicTime.seconds() - started
            record.recordElapsed(seconds: Int(elapsed))
            status[fullpath] = record
            lock.release()
            done += 1
            totalElapsed += elapsed
            let saved = measuresSize ? startSize - ObjectCounts.measure(gitDir: fullpath).totalSizeKiB : 0
            spaceSaved += saved
            logger.info("     done: \(Int(elapsed))s\(saved > 0 ? ", \(NumberFormat.humanSize(saved)) saved" : "")")
            logger.info("      ---: \(done) done, \(jobs.count - done) queued\(spaceSaved > 0 ? ", \(NumberFormat.humanSize(spaceSaved)) saved" : "")")
            writer.save(record, for: fullpath)
            // The failure is reported once, by the caller's finish().
            if writer.failure != nil { return false }
        }
        logger.info("Processed \(done) repos in \(NumberFormat.twoDecimals(totalElapsed))s")
        return true
    }

    /// `<forkgroup>.bundle` for replicas to preload a new objstore from,
    /// written beside and renamed into place so a download never sees half.
    private func writeBundle(of store: String, into directory: String) async {
        let name = String(PathUtilities.basename(store).dropLast(4)) + ".bundle"
        guard FileSystem.makeDirectories(directory) else {
            logger.error("Cannot create \(directory): \(FileSystem.errorDescription())")
            return
        }
        logger.info(" bundling: \(name)")
        let temporary = directory + "/." + name + ".tmp"
        var failure: String? = nil
        do { _ = try await git.runOrFail(gitDir: store, ["bundle", "create", temporary, "--all"], timeout: nil) } catch { failure = error.message }
        if failure == nil, rename(temporary, directory + "/" + name) != 0 { failure = FileSystem.errorDescription() }
        if let failure {
            unlink(temporary)
            logger.error("Cannot bundle \(store) into \(directory): \(failure)")
        }
    }

    private func borrowsFromObjectStore(_ fullpath: String) -> Bool {
        guard let borrowed = Alternates.borrowedRepository(of: fullpath) else { return false }
        return PathUtilities.isInside(borrowed, root: PathUtilities.realpath(core.objstore))
    }

    /// Waits for grok-pull (or grok-manifest) to finish with the repository,
    /// since checking it mid-fetch gives false alarms; gives up after an hour
    /// so one stuck process cannot stall the whole run.
    private func lockRepository(_ fullpath: String) async -> FileLock? {
        var waited = 0
        while true {
            do {
                if let lock = try FileLock.tryAcquire(for: fullpath) { return lock }
            } catch {
                logger.error("\(error.description)")
                return nil
            }
            if waited == 0 { logger.info("     wait: \(fullpath) is locked by another process") }
            if Task.isCancelled { return nil }
            if waited >= 3600 {
                logger.warning("Skipping \(fullpath): still locked after an hour")
                return nil
            }
            try? await Task.sleep(for: .seconds(1))
            waited += 1
        }
    }

    private func save(_ status: inout FsckStatus, to file: FsckStatusFile, durable: Bool = false) -> Bool {
        logger.debug("Updating status file in \(file.path)")
        do { try file.write(&status, durable: durable) } catch {
            logger.critical("\(error.description)")
            return false
        }
        return true
    }
}

/// Says when another five-second progress line is due.
struct ProgressClock {
    private var last = MonotonicTime.seconds()
    let interval: Double

    init(interval: Double = 5) { self.interval = interval }

    mutating func due() -> Bool {
        let now = MonotonicTime.seconds()
        guard now - last >= interval else { return false }
        last = now
        return true
    }
}
