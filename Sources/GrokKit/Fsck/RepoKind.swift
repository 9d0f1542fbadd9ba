/// How a repository relates to others by alternates, which decides how it
/// may be repacked without breaking anyone who borrows its objects.
package enum RepoKind: Sendable, Equatable {
    /// An objstore repository under `core.objstore`.
    case objectStore
    /// Others borrow from it (a grokmirror 1.x parent); `borrowsToo` when it
    /// has alternates of its own.
    case lender(borrowsToo: Bool)
    /// Borrows objects through `objects/info/alternates`.
    case borrower
    /// No relationship with other repositories.
    case standalone

    /// `fullpath` and `objstore` are realpaths; `borrowers` maps each
    /// repository to those whose alternates point at it. While the map
    /// could not see everywhere (`BorrowerMap.unseen`), any repository may
    /// be a lender, so each is repacked as one (unreachable objects kept).
    package static func of(_ fullpath: String, objstore: String, borrowed: String?, borrowers: BorrowerMap) -> RepoKind {
        if PathUtilities.isInside(fullpath, root: objstore) && ExactKey(fullpath) != ExactKey(objstore) { return .objectStore }
        if borrowers.lends(fullpath) || !borrowers.unseen.isEmpty { return .lender(borrowsToo: borrowed != nil) }
        return borrowed != nil ? .borrower : .standalone
    }

    /// Others may borrow its objects: never pruned, never recloned.
    package var lendsObjects: Bool {
        switch self {
        case .objectStore, .lender: return true
        case .borrower, .standalone: return false
        }
    }

    /// Pruning drops unreachable objects, which borrowers may still use.
    /// An objstore repository may be pruned only when every borrower is one
    /// of its sibling remotes (whose refs it holds), compared byte-exact;
    /// a lender never; nothing while the map could not see everywhere.
    package static func isSafeToPrune(_ kind: RepoKind, fullpath: String, remoteURLs: [String], borrowers: BorrowerMap) -> Bool {
        guard borrowers.unseen.isEmpty else { return false }
        switch kind {
        case .objectStore: return Set(remoteURLs.map(ExactKey.init)) == borrowers.borrowers(of: fullpath)
        case .lender: return false
        case .borrower, .standalone: return true
        }
    }
}
