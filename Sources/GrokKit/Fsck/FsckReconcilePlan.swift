/// What the reconcile pass does with the manifest's entries, worked out
/// from what the disk and the status say about each: a plain value, so
/// every case is unit-tested.
struct FsckReconcilePlan: Equatable {
    /// One manifest entry as found.
    struct Entry: Equatable {
        var gitdir: Gitdir
        /// toplevel + gitdir; nil when the gitdir is not a clean path.
        var fullpath: String?
        var isDirectory = false
        var inStatus = false
    }

    enum Step: Equatable {
        /// Not a path inside toplevel: left as it is, with an error.
        case ignore(Gitdir)
        /// A repository new to the status: it gets its first check day.
        case add(fullpath: String)
    }

    /// A listed repository gone from disk.
    struct Gone: Equatable {
        var gitdir: Gitdir
        var fullpath: String
    }

    enum Removal: Equatable {
        case nothingGone
        /// So many went at once that the disk is more likely unmounted than
        /// they were deleted (`why`): every entry is kept.
        case refused(count: Int, why: String)
        /// Dropped from the manifest and the status, in gitdir order.
        case remove([Gone])
    }

    /// In manifest order.
    private(set) var steps: [Step] = []
    private(set) var removal = Removal.nothingGone

    init(entries: [Entry], protection: RemovalProtection = .standard) {
        var gone: [Gone] = []
        for entry in entries {
            guard let fullpath = entry.fullpath else {
                steps.append(.ignore(entry.gitdir))
                continue
            }
            if !entry.isDirectory {
                gone.append(Gone(gitdir: entry.gitdir, fullpath: fullpath))
            } else if !entry.inStatus {
                steps.append(.add(fullpath: fullpath))
            }
        }
        guard !gone.isEmpty else { return }
        if let why = protection.refusal(removing: gone.count, of: entries.count) {
            removal = .refused(count: gone.count, why: why)
        } else {
            removal = .remove(gone.sorted { $0.gitdir < $1.gitdir })
        }
    }
}
