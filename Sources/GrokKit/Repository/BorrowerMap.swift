/// Which repositories borrow from which, found by reading every
/// repository's alternates under toplevel and the objstore directory
/// (symlinked repositories are aliases and are skipped, as in grokmirror).
public enum BorrowerMap {
    /// Realpath of each lender → realpaths of the repositories borrowing from it.
    public static func scan(toplevel: String, objstore: String) -> [String: Set<String>] {
        var roots = [toplevel]
        if !PathUtilities.isInside(objstore, root: toplevel) { roots.append(objstore) }
        var map: [String: Set<String>] = [:]
        let walker = RepositoryWalker(excludeObjectStores: false)
        for root in roots {
            for path in walker.findAll(under: root) where FileSystem.kind(path) != .symlink {
                guard let lender = Alternates.borrowedRepository(of: path) else { continue }
                map[lender, default: []].insert(PathUtilities.realpath(path))
            }
        }
        return map
    }
}
