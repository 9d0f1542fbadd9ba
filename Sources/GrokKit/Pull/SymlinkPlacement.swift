/// What grok-pull may do at a path the origin's manifest lists as a
/// symlink to a repository (pure: the caller observes the disk, this
/// decides).
///
/// Why: a `symlinks` entry replaces whatever stands at its path. grokmirror
/// 2.0.12 deletes anything there, a directory holding other repositories
/// included, bypassing purge, purgeprotect, nopurge and ffonly. Here a link
/// may only take the place of nothing, of another symlink, of an empty
/// directory, or of a bare repository that the origin replaced by this link
/// (one nothing protects and nothing borrows objects from).
package enum SymlinkPlacement {
    /// What stands at the link's path.
    package enum Existing: Sendable, Equatable {
        case missing
        case symlink(pointsAtTarget: Bool)
        case emptyDirectory
        case bareRepository
        /// A file, or a directory that is not a bare repository.
        case other
    }

    package enum Decision: Sendable, Equatable {
        /// Already right.
        case keep
        /// Create the link (after unlinking an old symlink or removing an
        /// empty directory).
        case link
        /// Remove the repository standing there, then link.
        case replaceRepository
        case refuse(String)
    }

    /// `protected` says why the path's own gitdir must not be deleted
    /// (nopurge or ffonly), `lentFrom` whether other repositories borrow
    /// objects from the repository standing there, and `deletionRefusal`
    /// why `RepositoryDeletion` would not purge it (no mirror remote: this
    /// mirror did not clone it; or what cannot be seen below or around it).
    package static func decide(_ existing: Existing, protected: String?, lentFrom: Bool, deletionRefusal: String? = nil) -> Decision {
        switch existing {
        case .missing, .emptyDirectory, .symlink(pointsAtTarget: false): return .link
        case .symlink(pointsAtTarget: true): return .keep
        case .other: return .refuse("it is not a repository (a file, or a directory that may hold other repositories)")
        case .bareRepository:
            if let protected { return .refuse("the repository there \(protected)") }
            if lentFrom { return .refuse("other repositories borrow objects from the repository there") }
            if let deletionRefusal { return .refuse("the repository there may not be deleted: \(deletionRefusal)") }
            return .replaceRepository
        }
    }
}
