/// Whether a path may be deleted as one of this mirror's repositories
/// (pure: `RepositoryDeletion.Observed.at` looks at the disk, `refusal`
/// decides).
///
/// Why: grokmirror 2.0.12 deletes whatever stands at a path it purges,
/// reclones or drops from the objstore. Here every destructive step deletes
/// only what was proven to be the mirror's: a bare repository (a symlink is
/// only unlinked, never followed), holding no other repository below it,
/// of the kind the step expects, that no other repository borrows objects
/// from (each borrower would lose every object it reads through its
/// `objects/info/alternates`), and for a purge one whose config names the
/// mirror's remote (a repository without it was not cloned by grok-pull:
/// someone else put it there, so only they may delete it).
package enum RepositoryDeletion {
    /// Which destructive step asks.
    package enum Purpose: Sendable, Equatable {
        /// grok-pull deleting a repository the origin no longer lists.
        case purge
        /// grok-pull replacing a repository grok-fsck asked to reclone
        /// (its config may be what is broken, so no remote is required).
        case reclone
        /// grok-fsck deleting an objstore repository nothing uses.
        case objectStore
        /// grok-pull deleting `<gitdir>.reclone`, where a reclone moved the
        /// old repository aside: only a repository that carries grok-fsck's
        /// `grokmirror.reclone` request (the one moved aside does), so a
        /// mirrored repository that happens to have that name is never
        /// taken for one.
        case recloneLeftover
    }

    /// What stands at the path.
    package struct Observed: Sendable, Equatable {
        package enum Kind: Sendable, Equatable { case missing, symlink, bareRepository, other }
        package var kind: Kind
        /// The config has `remote.<remotename>.url` (grok-pull adds it to
        /// every repository it clones).
        package var hasMirrorRemote: Bool
        /// Some repository lies below the path (it is then a directory of
        /// repositories, whatever else it looks like).
        package var holdsRepositories: Bool
        /// It carries the `grokmirror.objstore` telltale.
        package var isObjectStore: Bool
        /// The repositories borrowing objects from it (realpaths, sorted, as
        /// a `BorrowerMap` scan found them); empty when none does, or when
        /// the caller did not scan.
        package var borrowers: [String]
        /// A directory below it, or anywhere the borrower scan looked, that
        /// could not be seen into (unreadable, or a name that is not UTF-8).
        package var unseen: String? = nil
        /// It carries grok-fsck's `grokmirror.reclone` request.
        package var hasRecloneMarker = false

        package init(kind: Kind, hasMirrorRemote: Bool = false, holdsRepositories: Bool = false, isObjectStore: Bool = false,
                    borrowers: [String] = []) {
            self.kind = kind
            self.hasMirrorRemote = hasMirrorRemote
            self.holdsRepositories = holdsRepositories
            self.isObjectStore = isObjectStore
            self.borrowers = borrowers
        }
    }

    /// Why `observed` must not be deleted for `purpose`, or nil when it may
    /// (a symlink is then only unlinked; `missing` needs nothing deleted).
    package static func refusal(_ observed: Observed, for purpose: Purpose) -> String? {
        switch observed.kind {
        case .missing: return nil
        case .symlink: return purpose == .objectStore ? "it is a symlink, not an objstore repository" : nil
        case .other: return "it is not a bare repository (a file, or a directory that may hold anyone's data)"
        case .bareRepository: break
        }
        if observed.holdsRepositories { return "other repositories lie below it" }
        if !observed.borrowers.isEmpty { return lendsObjects + " (" + listed(observed.borrowers) + ")" }
        if let unseen = observed.unseen {
            return "\(unseen) cannot be looked into (unreadable, or a name that is not UTF-8), so nothing proves that no repository there lies below it or borrows objects from it"
        }
        switch purpose {
        case .objectStore:
            if !observed.isObjectStore { return "it has no \(MarkerFile.objstore) file, so it is no objstore repository" }
        case .recloneLeftover:
            if observed.isObjectStore { return "it is an objstore repository" }
            if !observed.hasRecloneMarker { return "it has no \(MarkerFile.reclone) request, so it is no repository a reclone moved aside" }
        case .purge, .reclone:
            if observed.isObjectStore { return "it is an objstore repository" }
            if purpose == .purge && !observed.hasMirrorRemote { return "its config has no mirror remote, so this mirror did not clone it" }
        }
        return nil
    }

    /// Why a repository others borrow objects from is never deleted, for
    /// any purpose (grok-pull's purge plan keeps such repositories with
    /// these words too).
    package static let lendsObjects = "other repositories borrow objects from it"

    /// The first three paths, and how many more there are: a lender may
    /// have thousands of borrowers, and the reason is one log line.
    static func listed(_ paths: [String]) -> String {
        let shown = paths.prefix(3).joined(separator: ", ")
        return paths.count > 3 ? shown + " and \(paths.count - 3) more" : shown
    }
}
