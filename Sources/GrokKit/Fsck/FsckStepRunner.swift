import Logging

/// Carries out the analysis pass's steps, in order: the only place the
/// analysis changes the status or a repository, logging as grok-fsck does.
struct FsckStepRunner {
    /// What the steps were decided by; a migration's repack reads it.
    let analysis: FsckAnalysis
    let maintainer: RepoMaintainer
    let recipeOptions: RepackRecipe.Options
    /// `[fsck] frequency`, in days, and `--force`, for a moved check.
    let frequency: Int
    let force: Bool
    let logger: Logger

    /// Runs `steps`; returns the jobs they queued.
    func run(_ steps: [FsckStep], status: inout FsckStatus, migration: inout ObjectStoreMigration,
             random: inout some RandomNumberGenerator) async -> [FsckJob] {
        var jobs: [FsckJob] = []
        for step in steps {
            switch step {
            case .forget(let fullpath, let logged):
                status[fullpath] = nil
                if logged { logger.debug("\(fullpath) is gone, no longer in manifest") }
            case .pointFetchHeadAtDevNull(let fullpath):
                maintainer.pointFetchHeadAtDevNull(fullpath)
            case .requestReclone(let fullpath, let gitdir):
                logger.critical("  reclone: \(gitdir) (alternates repo gone)")
                maintainer.requestReclone(fullpath, reason: "Alternates repository gone")
            case .migrate(let realpath, let gitdir, let borrowed):
                await migrate(realpath, gitdir: gitdir, borrowed: borrowed, migration: &migration)
            case .reschedule(let fullpath):
                status[fullpath]?.nextCheck = FsckSchedule.nextCheck(today: analysis.today, frequency: frequency, force: force, using: &random)
                logger.info("     aged: \(fullpath) (forcing repack)")
            case .track(let fullpath):
                status[fullpath] = FsckStatus.Record(nextCheck: analysis.today, fingerprint: nil)
            case .pruneGarbage(let fullpath, let gitdir, let counts, let lendsObjects):
                logger.info("  garbage: \(gitdir) (\(counts.garbage) files, \(counts.garbageSizeKiB) KiB)")
                if let lock = try? FileLock.tryAcquire(for: fullpath) {
                    _ = await maintainer.prune(fullpath, lendsObjects: lendsObjects)
                    lock.release()
                }
            case .queue(let job, let label):
                switch job.work {
                case .nothing: break
                case .repack(let level): logger.info("   queued: \(label) (\(level == .full ? "full repack" : "repack"))")
                case .fsck: logger.info("   queued: \(label) (fsck)")
                }
                jobs.append(job)
            }
        }
        return jobs
    }

    private func migrate(_ realpath: String, gitdir: Gitdir, borrowed: String?, migration: inout ObjectStoreMigration) async {
        switch await migration.migrate(realpath, gitdir: gitdir.path, borrowed: borrowed) {
        case .unchanged: break
        case .failed(let message): logger.critical("\(message)")
        case .migrated(let repacked):
            for path in repacked { await repackAfterMigration(path) }
        }
    }

    /// A repository that just moved into an objstore drops the objects it
    /// now borrows: a quick repack for its kind, never pruning a lender.
    private func repackAfterMigration(_ path: String) async {
        guard let lock = await LockWait.acquire(path, logger: logger) else { return }
        defer { lock.release() }
        let kind = RepoKind.of(path, objstore: analysis.objstore, borrowed: Alternates.borrowedRepository(of: path), borrowers: analysis.borrowers)
        let recipe = RepackRecipe(kind: kind, level: .quick, safeToPrune: analysis.mode.prune && analysis.safeToPrune(kind, fullpath: path),
                                  wasPrecious: BareRepository.isPrecious(path), options: recipeOptions)
        if !(await maintainer.repack(path, recipe: recipe, lendsObjects: kind.lendsObjects)) {
            logger.warning("Repacking \(path) was unsuccessful")
        }
    }
}
