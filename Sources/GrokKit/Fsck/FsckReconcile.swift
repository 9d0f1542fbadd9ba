import Logging

/// The reconcile pass, under the manifest's lock: entries whose repository
/// is gone leave the manifest and the status (unless `RemovalProtection`
/// says the disk looks unmounted), and repositories new to the status get
/// their first check day (see `FsckReconcilePlan`).
struct FsckReconcile {
    let core: GrokConfig.Core
    /// `[fsck] frequency`, in days.
    let frequency: Int
    /// `--force`: new repositories are checked today.
    let force: Bool
    /// How the manifest is written back.
    let pretty: Bool
    let git: GitRunner
    let logger: Logger

    /// Returns the manifest, or nil when it cannot be locked, read or
    /// written (logged).
    func run(status: inout FsckStatus, today: CheckDate, random: inout some RandomNumberGenerator) async -> Manifest? {
        logger.info("Analyzing \(core.manifest)")
        do {
            return try await ManifestFile(path: core.manifest).update(pretty: pretty) { manifest in
                let plan = FsckReconcilePlan(entries: observe(manifest, status: status))
                return await apply(plan, to: &manifest, status: &status, today: today, random: &random)
            }
        } catch {
            if case .read(let failure) = error {
                logger.critical("Cannot read the manifest: \(failure.description)")
            } else {
                logger.critical("\(error.description)")
            }
            return nil
        }
    }

    /// Each entry as the disk and the status have it now.
    private func observe(_ manifest: Manifest, status: FsckStatus) -> [FsckReconcilePlan.Entry] {
        manifest.gitdirs.map { gitdir in
            let fullpath = gitdir.isClean ? gitdir.fullpath(in: core.toplevel) : nil
            return FsckReconcilePlan.Entry(gitdir: gitdir, fullpath: fullpath, isDirectory: fullpath.map(FileSystem.isDirectory) ?? false,
                                           inStatus: fullpath.map { status[$0] != nil } ?? false)
        }
    }

    /// Carries the plan out, logging each step; true when the manifest
    /// changed.
    private func apply(_ plan: FsckReconcilePlan, to manifest: inout Manifest, status: inout FsckStatus, today: CheckDate,
                       random: inout some RandomNumberGenerator) async -> Bool {
        let reader = FingerprintReader(git: git)
        for step in plan.steps {
            switch step {
            case .ignore(let gitdir):
                logger.error("Ignoring manifest entry \(gitdir): not a path inside \(core.toplevel)")
            case .add(let fullpath):
                let next = FsckSchedule.firstCheck(today: today, frequency: frequency, force: force, using: &random)
                status[fullpath] = FsckStatus.Record(nextCheck: next, fingerprint: await CachedFingerprint.readOrRecord(fullpath, reader: reader))
                logger.info("\(fullpath):")
                logger.info("    added: next check on \(next)")
            }
        }
        switch plan.removal {
        case .nothingGone:
            return false
        case .refused(let count, let why):
            logger.critical("\(count) of \(manifest.count) repositories in \(core.manifest) are missing under \(core.toplevel); not removing them, since \(why) (is the filesystem mounted?)")
            return false
        case .remove(let gone):
            for entry in gone {
                logger.info("\(entry.gitdir): gone from disk, removing from the manifest and status")
                status[entry.fullpath] = nil
            }
            manifest.remove(Set(gone.map(\.gitdir)))
            return true
        }
    }
}
