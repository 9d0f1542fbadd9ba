/// Which repositories share history, judged by their sets of root commits
/// (`git rev-list --max-parents=0 --all`): forks of one project have the
/// same roots, or one's roots contain the other's, or they differ by a root
/// or two (a grafted or re-rooted branch). Pure functions over values.
public enum SiblingMatch {
    /// The repositories among `known` related to `path`. `exact` (the
    /// `exact` merge strategy) accepts equal root sets only.
    public static func siblings(of path: String, roots: Set<String>, among known: [String: Set<String>], exact: Bool) -> Set<String> {
        var found: Set<String> = []
        guard !roots.isEmpty else { return found }
        for (other, otherRoots) in known where other != path && !otherRoots.isEmpty && !otherRoots.isDisjoint(with: roots) {
            if otherRoots == roots {
                found.insert(other)
            } else if !exact, otherRoots.isSubset(of: roots) || roots.isSubset(of: otherRoots)
                        || otherRoots.subtracting(roots).count + roots.subtracting(otherRoots).count <= 2 {
                found.insert(other)
            }
        }
        return found
    }

    /// The objstore repository `roots` should borrow from: one holding a
    /// baseline repository (as `holdsBaseline` says) wins outright when it
    /// shares any root; otherwise the one whose roots are most shared, as a
    /// share of its own roots, when that share is at least `minimumRatio`
    /// (weakly related histories are not lumped together). Ties go to the
    /// first path in sorted order, so the answer does not depend on
    /// dictionary order.
    public static func bestObjectStore(for roots: Set<String>, excluding path: String? = nil, candidates: [String: Set<String>],
                                       holdsBaseline: (String) -> Bool = { _ in false }, minimumRatio: Double = 0.2) -> String? {
        guard !roots.isEmpty else { return nil }
        var best: (path: String, ratio: Double)? = nil
        for candidate in candidates.keys.sorted() where candidate != path {
            guard let candidateRoots = candidates[candidate], !candidateRoots.isEmpty else { continue }
            let shared = candidateRoots.intersection(roots).count
            guard shared > 0 else { continue }
            if holdsBaseline(candidate) { return candidate }
            let ratio = Double(shared) / Double(candidateRoots.count)
            if ratio >= minimumRatio, ratio > (best?.ratio ?? 0) { best = (candidate, ratio) }
        }
        return best?.path
    }
}
