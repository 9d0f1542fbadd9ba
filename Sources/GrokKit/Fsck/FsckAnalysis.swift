/// The analysis pass: gathers what grok-fsck needs to know about each
/// repository into plain values (`Standing`, `FsckDecision.Facts`) and
/// turns them into `FsckStep`s. It only reads (the cached fingerprint
/// aside, recorded when missing as every tool does); the caller carries the
/// steps out with `FsckStepRunner`, in order, before it looks further.
struct FsckAnalysis: Sendable {
    let toplevel: String
    /// `[core] objstore`, a realpath.
    let objstore: String
    let manifest: Manifest
    let mode: FsckDecision.Mode
    let today: CheckDate
    /// Who borrows from whom; objstore repositories are analyzed with the
    /// map the upkeep left.
    var borrowers: BorrowerMap
    let reader: FingerprintReader

    /// Where a repository the status lists stands, before it is measured.
    enum Standing: Equatable {
        /// Under the objstore: left to `objectStoreSteps`.
        case objectStore
        /// No longer in the manifest.
        case unlisted
        /// Listed but absent (kept by the reconcile: unmounted?), or with
        /// no status record.
        case absent
        /// Listed and there; `borrowed` is where its alternates point.
        case present(gitdir: Gitdir, realpath: String, borrowed: String?, borrowedExists: Bool)

        /// The gitdir of a repository to measure once its first steps ran.
        var measured: Gitdir? {
            guard case .present(let gitdir, _, _, true) = self else { return nil }
            return gitdir
        }
    }

    func standing(of fullpath: String, record: FsckStatus.Record?) -> Standing {
        if PathUtilities.isInside(fullpath, root: objstore) { return .objectStore }
        guard let gitdir = Gitdir.of(fullpath: fullpath, toplevel: toplevel), manifest.contains(gitdir) else { return .unlisted }
        guard FileSystem.isDirectory(fullpath), record != nil else { return .absent }
        let borrowed = Alternates.borrowedRepository(of: fullpath)
        return .present(gitdir: gitdir, realpath: PathUtilities.realpath(fullpath), borrowed: borrowed,
                        borrowedExists: borrowed.map(FileSystem.isDirectory) ?? true)
    }

    /// The steps before measuring: an unlisted repository is forgotten; a
    /// present one's FETCH_HEAD goes to /dev/null, then it is recloned (its
    /// alternates repository is gone) or offered to the objstore migration.
    static func firstSteps(for fullpath: String, _ standing: Standing) -> [FsckStep] {
        switch standing {
        case .objectStore, .absent:
            return []
        case .unlisted:
            return [.forget(fullpath: fullpath, logged: true)]
        case .present(let gitdir, let realpath, let borrowed, let borrowedExists):
            let next: FsckStep = borrowedExists ? .migrate(realpath: realpath, gitdir: gitdir, borrowed: borrowed)
                                                : .requestReclone(fullpath: fullpath, gitdir: gitdir)
            return [.pointFetchHeadAtDevNull(fullpath: fullpath), next]
        }
    }

    /// A present repository's facts, measured after its first steps (a
    /// migration changes its alternates and counts), and what they call for.
    func repositorySteps(_ fullpath: String, gitdir: Gitdir, record: FsckStatus.Record) async -> [FsckStep] {
        let realpath = PathUtilities.realpath(fullpath)
        let kind = RepoKind.of(realpath, objstore: objstore, borrowed: Alternates.borrowedRepository(of: fullpath), borrowers: borrowers)
        var facts = FsckDecision.Facts(counts: ObjectCounts.measure(gitDir: fullpath))
        let fingerprint = await CachedFingerprint.readOrRecord(fullpath, reader: reader)
        facts.fingerprintChanged = record.fingerprint != fingerprint
        facts.checkDue = record.nextCheck.map { $0 <= today } ?? true
        facts.fullRepackRequested = FileSystem.exists(fullpath + "/" + MarkerFile.repack)
        facts.precious = BareRepository.isPrecious(fullpath)
        facts.safeToPrune = safeToPrune(kind, fullpath: realpath)
        return Self.repositorySteps(fullpath, gitdir: gitdir, kind: kind, facts: facts, mode: mode)
    }

    /// What a repository's decision calls for, in order: moving its check
    /// on, pruning its garbage, its job.
    static func repositorySteps(_ fullpath: String, gitdir: Gitdir, kind: RepoKind, facts: FsckDecision.Facts, mode: FsckDecision.Mode) -> [FsckStep] {
        let outcome = FsckDecision.decide(facts, mode: mode)
        var steps: [FsckStep] = []
        if outcome.reschedule { steps.append(.reschedule(fullpath: fullpath)) }
        if outcome.pruneGarbage {
            steps.append(.pruneGarbage(fullpath: fullpath, gitdir: gitdir, counts: facts.counts, lendsObjects: kind.lendsObjects))
        }
        if let job = job(outcome.work, fullpath: fullpath, kind: kind, facts: facts, mode: mode) { steps.append(.queue(job, label: fullpath)) }
        return steps
    }

    /// The objstore repositories' steps: records of ones gone are dropped,
    /// then each is measured and decided (`objectStoreSteps(_:facts:...)`).
    /// `changed`: the ones the upkeep changed.
    func objectStoreSteps(_ stores: [String], status: FsckStatus, changed: Set<String>) -> [FsckStep] {
        var steps: [FsckStep] = status.paths.filter { PathUtilities.isInside($0, root: objstore) && !FileSystem.isDirectory($0) }
            .map { .forget(fullpath: $0, logged: false) }
        for fullpath in stores {
            var facts = FsckDecision.Facts(counts: ObjectCounts.measure(gitDir: fullpath))
            facts.isObjectStore = true
            facts.fullRepackRequested = FileSystem.exists(fullpath + "/" + MarkerFile.repack)
            facts.precious = BareRepository.isPrecious(fullpath)
            facts.safeToPrune = safeToPrune(.objectStore, fullpath: fullpath)
            steps += Self.objectStoreSteps(fullpath, facts: facts, record: status[fullpath], changed: changed.contains(fullpath), today: today, mode: mode)
        }
        return steps
    }

    /// One objstore repository's steps: repacked by its own counts, fully
    /// when new to the status or changed by the upkeep (then tracked from
    /// today) or asked for; checked on its schedule.
    static func objectStoreSteps(_ fullpath: String, facts measured: FsckDecision.Facts, record: FsckStatus.Record?, changed: Bool,
                                 today: CheckDate, mode: FsckDecision.Mode) -> [FsckStep] {
        var facts = measured
        var steps: [FsckStep] = []
        if record == nil || changed {
            steps.append(.track(fullpath: fullpath))
            facts.fullRepackRequested = true
            facts.checkDue = true
        } else {
            facts.checkDue = record?.nextCheck.map { $0 <= today } ?? true
        }
        let outcome = FsckDecision.decide(facts, mode: mode)
        if let job = job(outcome.work, fullpath: fullpath, kind: .objectStore, facts: facts, mode: mode) {
            steps.append(.queue(job, label: PathUtilities.basename(fullpath)))
        }
        return steps
    }

    private static func job(_ work: FsckDecision.Work, fullpath: String, kind: RepoKind, facts: FsckDecision.Facts, mode: FsckDecision.Mode) -> FsckJob? {
        guard work != .nothing else { return nil }
        return FsckJob(fullpath: fullpath, work: work, kind: kind, safeToPrune: facts.safeToPrune && mode.prune, wasPrecious: facts.precious)
    }

    /// Whether pruning cannot break a borrower (`RepoKind.isSafeToPrune`);
    /// an objstore repository's sibling remotes are read from its config.
    func safeToPrune(_ kind: RepoKind, fullpath: String) -> Bool {
        let remotes = kind == .objectStore ? GitConfigFile.read(gitDir: fullpath)?.remoteURLs.map(PathUtilities.realpath) ?? [] : []
        return RepoKind.isSafeToPrune(kind, fullpath: fullpath, remoteURLs: remotes, borrowers: borrowers)
    }
}
