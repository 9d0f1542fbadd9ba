/// A change the analysis pass asks for. `FsckStepRunner` carries the steps
/// out in the order given (and logs them), so the pass itself only reads.
enum FsckStep: Equatable {
    /// Drop the status record of a repository that is no longer there;
    /// `logged` at debug level for one the manifest no longer lists.
    case forget(fullpath: String, logged: Bool)
    /// FETCH_HEAD, written by every fetch and never read on a mirror,
    /// becomes a symlink to /dev/null.
    case pointFetchHeadAtDevNull(fullpath: String)
    /// Its alternates repository is gone: ask grok-pull for a reclone.
    case requestReclone(fullpath: String, gitdir: Gitdir)
    /// Offer the repository (`realpath`; `borrowed`: where its alternates
    /// point) to the objstore migration, then quick-repack what moved.
    case migrate(realpath: String, gitdir: Gitdir, borrowed: String?)
    /// A repack stands in for this check: move the next check on.
    case reschedule(fullpath: String)
    /// An objstore repository new to the status, or changed by the upkeep,
    /// is checked from today.
    case track(fullpath: String)
    /// Prune the garbage `count-objects` found, unless the repository is busy.
    case pruneGarbage(fullpath: String, gitdir: Gitdir, counts: ObjectCounts, lendsObjects: Bool)
    /// Hand the job to the process pass; `label` names it in the log.
    case queue(FsckJob, label: String)
}
