import Glibc
import Logging

/// The process pass: runs each queued job (a repack or a check) under its
/// repository's lock and hands the new status record to the writer at
/// once, so an interrupted run keeps what it finished.
struct FsckProcess {
    let settings: FsckSettings
    let options: FsckRun.Options
    let recipeOptions: RepackRecipe.Options
    /// `[core] objstore`, a realpath.
    let objstore: String
    let maintainer: RepoMaintainer
    let git: GitRunner
    let logger: Logger
    let today: CheckDate

    /// One finished job.
    private struct Done {
        var record: FsckStatus.Record
        var elapsed: Double
        /// KiB of objects before a repack (0 for a check, which is not measured).
        var startSize: Int
    }

    /// false when the writer failed: the results can no longer be kept
    /// (the caller reports the failure).
    func run(_ jobs: [FsckJob], status: inout FsckStatus, writer: FsckStatusWriter, random: inout some RandomNumberGenerator) async -> Bool {
        logger.info("Processing \(jobs.count) repositories")
        let reader = FingerprintReader(git: git)
        var done = 0
        var totalElapsed = 0.0
        var spaceSaved = 0
        for job in jobs {
            if Task.isCancelled { logger.info("Interrupted: \(jobs.count - done) repositories left for the next run"); break }
            let fullpath = job.fullpath
            logger.info("\(fullpath):")
            guard let finished = await runLocked(job, record: status[fullpath], reader: reader, random: &random) else { continue }
            status[fullpath] = finished.record
            done += 1
            totalElapsed += finished.elapsed
            let saved = job.work != .fsck ? finished.startSize - ObjectCounts.measure(gitDir: fullpath).totalSizeKiB : 0
            spaceSaved += saved
            logger.info("     done: \(Int(finished.elapsed))s\(saved > 0 ? ", \(NumberFormat.humanSize(saved)) saved" : "")")
            logger.info("      ---: \(done) done, \(jobs.count - done) queued\(spaceSaved > 0 ? ", \(NumberFormat.humanSize(spaceSaved)) saved" : "")")
            writer.save(finished.record, for: fullpath)
            // The failure is reported once, by the caller's finish().
            if writer.failure != nil { return false }
        }
        logger.info("Processed \(done) repos in \(NumberFormat.twoDecimals(totalElapsed))s")
        return true
    }

    /// The job under its repository's lock; nil when the lock was not had,
    /// the repack failed or a stop request cut it short (then it is not
    /// recorded).
    private func runLocked(_ job: FsckJob, record: FsckStatus.Record?, reader: FingerprintReader,
                           random: inout some RandomNumberGenerator) async -> Done? {
        let fullpath = job.fullpath
        guard let lock = await LockWait.acquire(fullpath, logger: logger) else { return nil }
        defer { lock.release() }
        // Only repacks change the size; a check needs no measuring.
        let startSize = job.work != .fsck ? ObjectCounts.measure(gitDir: fullpath).totalSizeKiB : 0
        let started = MonotonicTime.seconds()
        let next = FsckSchedule.nextCheck(today: today, frequency: settings.frequency, force: options.force, using: &random)
        var record = record ?? FsckStatus.Record(nextCheck: today, fingerprint: nil)
        guard await perform(job, record: &record, next: next), !Task.isCancelled else { return nil }
        if job.kind != .objectStore { record.fingerprint = await CachedFingerprint.readOrRecord(fullpath, reader: reader) }
        let elapsed = MonotonicTime.seconds() - started
        record.recordElapsed(seconds: Int(elapsed))
        return Done(record: record, elapsed: elapsed, startSize: startSize)
    }

    /// The job's git work, recorded in `record`; false when a repack failed
    /// (logged; the repository stays due).
    private func perform(_ job: FsckJob, record: inout FsckStatus.Record, next: CheckDate) async -> Bool {
        let fullpath = job.fullpath
        switch job.work {
        case .nothing: break
        case .repack(let level):
            let recipe = RepackRecipe(kind: job.kind, level: level, safeToPrune: job.safeToPrune, wasPrecious: job.wasPrecious, options: recipeOptions)
            guard await maintainer.repack(fullpath, recipe: recipe, lendsObjects: job.kind.lendsObjects) else {
                logger.warning("Repacking \(fullpath) was unsuccessful")
                return false
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
            await maintainer.fsck(fullpath, connectivityOnly: connectivityOnly, lendsObjects: job.kind.lendsObjects)
            record.recordCheck(on: today, next: next)
            logger.info("     next: \(next)")
        }
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
        return PathUtilities.isInside(borrowed, root: objstore)
    }
}
