/// The git commands of one repack, chosen by the repository's kind so that
/// objects others borrow are never dropped. A pure function of values.
package struct RepackRecipe: Sendable, Equatable {
    /// Arguments after `git repack`.
    package var repackArguments: [String]
    /// `git commit-graph write` afterwards (a borrower's graph would point
    /// into its lender's objects, so not for those).
    package var writeCommitGraph: Bool
    /// `pack-refs --all` instead of `pack-refs`.
    package var packAllRefs: Bool
    /// `prune --expire=yesterday` afterwards.
    package var prune: Bool
    /// `extensions.preciousObjects` during the repack (git refuses to
    /// delete objects of a precious repository) and after it.
    package var preciousDuring: Bool
    package var preciousAfter: Bool

    package struct Options: Sendable {
        package var precious = FsckSettings.PreciousMode.yes
        package var commitGraph = true
        package var extraFlags: [String] = []
        package var extraFullFlags: [String] = []
        package init() {}

        /// `[fsck]`'s precious, commitgraph and extra repack flags.
        init(settings: FsckSettings) {
            precious = settings.precious
            commitGraph = settings.commitGraph
            extraFlags = settings.extraRepackFlags
            extraFullFlags = settings.extraRepackFlagsFull
        }
    }

    /// `safeToPrune` already folds in `[fsck] prune` (and is false with
    /// `precious = always`: git cannot prune a precious repository); `wasPrecious` is the
    /// repository's preciousObjects before the run.
    package init(kind: RepoKind, level: ObjectCounts.RepackLevel, safeToPrune prune: Bool, wasPrecious: Bool, options: Options) {
        let always = options.precious == .always
        var flags = options.extraFlags
        var graph = options.commitGraph
        var keepPrecious = wasPrecious && options.precious == .yes
        switch kind {
        case .objectStore:
            keepPrecious = true
            flags += ["-a"]
            if !prune && !always { flags += ["-k"] }
        case .lender(let borrowsToo):
            keepPrecious = true
            if borrowsToo {
                graph = false
                flags += ["-A", "-l"]
            } else {
                flags += ["-a", "-b"]
                if !always { flags += ["-k"] }
            }
        case .borrower:
            graph = false
            flags += ["-l", "-A"]
            if prune { flags += ["--unpack-unreachable=yesterday"] }
        case .standalone:
            flags += ["-a", "-b"]
            if prune { flags += ["--unpack-unreachable=yesterday"] }
        }
        if level == .full { flags += ["-f", "--pack-kept-objects"] + options.extraFullFlags }
        if !always { flags += ["-d"] }
        repackArguments = flags + ["-q"]
        writeCommitGraph = graph
        packAllRefs = level == .full
        self.prune = prune
        preciousDuring = always
        preciousAfter = always || keepPrecious
    }
}
