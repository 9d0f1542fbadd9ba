import Logging

/// One grok-fsck run, in passes: reconcile the status with the manifest
/// and the disk (`FsckReconcile`), analyze each repository
/// (`FsckAnalysis`, whose steps `FsckStepRunner` carries out), keep the
/// objstores up (`ObjectStoreUpkeep`), then run the queued repacks and
/// checks (`FsckProcess`), saving the status after each repository.
package struct FsckRun: Sendable {
    package enum ExitStatus: Int32, Sendable {
        case success = 0
        /// The run could not do its work (status or manifest unusable).
        case failed = 1
        case unusable = 2
    }

    package struct Options: Sendable {
        package var force = false
        package var repackOnly = false
        package var connectivityOnly = false
        package var repackAllQuick = false
        package var repackAllFull = false
        package init() {}
    }

    package let config: GrokConfig
    package let settings: FsckSettings
    package let options: Options
    package let logger: Logger
    package let git: GitRunner
    private let core: GrokConfig.Core
    private let mode: FsckDecision.Mode
    private let recipeOptions: RepackRecipe.Options
    private let maintainer: RepoMaintainer

    package init(config: GrokConfig, settings: FsckSettings, options: Options, logger: Logger, git: GitRunner = GitRunner()) {
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
        maintainer = RepoMaintainer(git: git, filter: ErrorLineFilter(ignore: settings.ignoreErrors, reclone: settings.recloneOnErrors), logger: logger)
    }

    /// What the analysis leaves to do.
    private enum Analyzed {
        case queued([FsckJob])
        /// A stop request: what was analyzed is saved, nothing processed.
        case interrupted
        case failed
    }

    package func run() async -> ExitStatus {
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
        return await runPasses(FsckStatusFile(path: settings.statusFile))
    }

    /// The passes, with the statusfile locked.
    private func runPasses(_ statusFile: FsckStatusFile) async -> ExitStatus {
        guard let loaded = loadStatus(statusFile) else { return .failed }
        var (status, onDisk) = loaded
        let today = CheckDate.today()
        var random = SystemRandomNumberGenerator()
        let reconcile = FsckReconcile(core: core, frequency: settings.frequency, force: options.force,
                                      pretty: manifestPretty, git: git, logger: logger)
        guard let manifest = await reconcile.run(status: &status, today: today, random: &random) else { return .failed }
        if status != onDisk {
            // Durable: the journal replayed into it goes next.
            guard save(&status, to: statusFile, durable: true) else { return .failed }
            onDisk = status
        }
        AtomicFile.removeStaleTemporaries(of: settings.statusFile)
        FsckStatusJournal(statusFile: settings.statusFile).remove()
        switch await analyze(manifest, status: &status, today: today, random: &random) {
        case .failed:
            return .failed
        case .interrupted:
            return status == onDisk || save(&status, to: statusFile) ? .success : .failed
        case .queued(let jobs):
            if status != onDisk {
                guard save(&status, to: statusFile) else { return .failed }
            }
            if jobs.isEmpty {
                logger.info("No repos need attention.")
                return .success
            }
            return await process(jobs, status: &status, statusFile: statusFile, today: today, random: &random)
        }
    }

    /// The statusfile's records with an interrupted run's journal replayed
    /// into them, and what the statusfile itself holds (nil when there is
    /// none): a run that changes nothing before its first repository does
    /// not rewrite it. nil when the statusfile cannot be read (logged).
    private func loadStatus(_ file: FsckStatusFile) -> (status: FsckStatus, onDisk: FsckStatus?)? {
        var status: FsckStatus
        do {
            if file.exists { logger.info("   status: reading \(settings.statusFile)") }
            status = try file.read()
        } catch {
            logger.critical("\(error.description)")
            return nil
        }
        let onDisk = file.exists ? status : nil
        let journal = FsckStatusJournal(statusFile: settings.statusFile)
        let recovered = journal.replay(into: &status, statusFileModified: FileSystem.modificationTime(settings.statusFile))
        if recovered > 0 { logger.info("   status: recovered \(recovered) records of an interrupted run from \(journal.path)") }
        return (status, onDisk)
    }

    /// Analyzes the repositories (migrating them into objstores as it
    /// goes), keeps the objstores up and records their forkgroups in the
    /// manifest, then analyzes the objstore repositories.
    private func analyze(_ manifest: Manifest, status: inout FsckStatus, today: CheckDate,
                         random: inout some RandomNumberGenerator) async -> Analyzed {
        let objstore = PathUtilities.realpath(core.objstore)
        var analysis = FsckAnalysis(toplevel: core.toplevel, objstore: objstore, manifest: manifest, mode: mode, today: today,
                                    borrowers: BorrowerMap.scan(toplevel: core.toplevel, objstore: objstore), reader: FingerprintReader(git: git))
        var migration = await ObjectStoreMigration.scan(ObjectStoreMigration.Settings(objstore: objstore, core: core, fsck: settings), git: git, logger: logger)
        let jobs = await analyzeRepositories(analysis, status: &status, migration: &migration, random: &random)
        let borrowers = migration.changed ? BorrowerMap.scan(toplevel: core.toplevel, objstore: objstore) : analysis.borrowers
        if Task.isCancelled { return .interrupted }
        let upkeep = await ObjectStoreUpkeep(settings: ObjectStoreUpkeep.Settings(objstore: objstore, core: core, fsck: settings), git: git, logger: logger)
            .run(borrowers: borrowers, storeRoots: migration.storeRoots, listed: { manifest.contains(Gitdir($0)) })
        guard await recordForkgroups(upkeep.links) else { return .failed }
        let stores = ObjectStoreMigration.objectStores(in: objstore)
        guard !stores.isEmpty else { return .queued(jobs) }
        analysis.borrowers = upkeep.borrowers
        let steps = analysis.objectStoreSteps(stores, status: status, changed: upkeep.changed)
        let storeJobs = await stepRunner(analysis).run(steps, status: &status, migration: &migration, random: &random)
        logger.info("     done: \(stores.count) analyzed, \(storeJobs.count) queued")
        return .queued(jobs + storeJobs)
    }

    /// Each repository the status lists: a first look, its first steps,
    /// then (when it is there) its facts and the steps they call for.
    private func analyzeRepositories(_ analysis: FsckAnalysis, status: inout FsckStatus, migration: inout ObjectStoreMigration,
                                     random: inout some RandomNumberGenerator) async -> [FsckJob] {
        let runner = stepRunner(analysis)
        let paths = status.paths
        logger.info("Analyzing \(core.toplevel) (\(paths.count) repos)")
        var jobs: [FsckJob] = []
        var progress = ProgressClock()
        for (index, fullpath) in paths.enumerated() {
            // Interrupted: what was analyzed so far is saved by the caller.
            if Task.isCancelled { break }
            if progress.due() { logger.info("      ---: \(index)/\(paths.count) analyzed, \(jobs.count) queued") }
            let standing = analysis.standing(of: fullpath, record: status[fullpath])
            _ = await runner.run(FsckAnalysis.firstSteps(for: fullpath, standing), status: &status, migration: &migration, random: &random)
            guard let gitdir = standing.measured, let record = status[fullpath] else { continue }
            let steps = await analysis.repositorySteps(fullpath, gitdir: gitdir, record: record)
            jobs += await runner.run(steps, status: &status, migration: &migration, random: &random)
        }
        logger.info("     done: \(paths.count) analyzed, \(jobs.count) queued")
        return jobs
    }

    private func stepRunner(_ analysis: FsckAnalysis) -> FsckStepRunner {
        FsckStepRunner(analysis: analysis, maintainer: maintainer, recipeOptions: recipeOptions, frequency: settings.frequency,
                       force: options.force, logger: logger)
    }

    /// Writes each objstore sibling's forkgroup and reference into the
    /// manifest, re-read under its lock, when they differ from what it says.
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

    private func process(_ jobs: [FsckJob], status: inout FsckStatus, statusFile: FsckStatusFile, today: CheckDate,
                         random: inout some RandomNumberGenerator) async -> ExitStatus {
        let writer: FsckStatusWriter
        do { writer = try FsckStatusWriter(file: statusFile, status: status) } catch {
            logger.critical("\(error.description)")
            return .failed
        }
        let pass = FsckProcess(settings: settings, options: options, recipeOptions: recipeOptions, objstore: PathUtilities.realpath(core.objstore),
                               maintainer: maintainer, git: git, logger: logger, today: today)
        let processed = await pass.run(jobs, status: &status, writer: writer, random: &random)
        if let failure = await writer.finish() {
            logger.critical("\(failure.description)")
            return .failed
        }
        return processed ? .success : .failed
    }

    private var manifestPretty: Bool { (try? config.manifestSettings().pretty) ?? false }

    private func save(_ status: inout FsckStatus, to file: FsckStatusFile, durable: Bool = false) -> Bool {
        logger.debug("Updating status file in \(file.path)")
        do { try file.write(&status, durable: durable) } catch {
            logger.critical("\(error.description)")
            return false
        }
        return true
    }
}
