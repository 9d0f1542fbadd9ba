/// One repository's queued work, as the analysis pass decided it, with what
/// the process pass needs to choose its repack recipe.
struct FsckJob: Sendable, Equatable {
    let fullpath: String
    let work: FsckDecision.Work
    let kind: RepoKind
    /// `[fsck] prune` allows pruning and no borrower can be hurt by it.
    let safeToPrune: Bool
    /// `extensions.preciousObjects` before the run.
    let wasPrecious: Bool
}
