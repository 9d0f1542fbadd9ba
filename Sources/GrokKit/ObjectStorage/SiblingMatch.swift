/// Which repositories share history, judged by their sets of root commits
/// (`git rev-list --max-parents=0 --all`): forks of one project have the
/// same roots, or one's roots contain the other's, or they differ by a root
/// or two (a grafted or re-rooted branch). Pure functions over values.
package enum SiblingMatch {
    /// The repositories among `known` related to `path`. `exact` (the
    /// `exact` merge strategy) accepts equal root sets only. `Path` is
    /// `ExactKey` for repositories (user-named: `café.git` in NFC and NFD
    /// are two) and may be `String` for objstore repositories (named by us).
    package static func siblings<Path: Hashable>(of path: Path, roots: Set<String>, among known: [Path: Set<String>], exact: Bool) -> Set<Path> {
        Set(known.filter { $0.key != path && related(roots, $0.value, exact: exact) }.keys)
    }

    /// Two root sets of one project: sharing a root, and equal, or (unless
    /// `exact`) one containing the other or differing by two roots at most.
    package static func related(_ roots: Set<String>, _ otherRoots: Set<String>, exact: Bool) -> Bool {
        guard !roots.isEmpty, !otherRoots.isEmpty, !otherRoots.isDisjoint(with: roots) else { return false }
        if otherRoots == roots { return true }
        if exact { return false }
        return otherRoots.isSubset(of: roots) || roots.isSubset(of: otherRoots)
            || otherRoots.subtracting(roots).count + roots.subtracting(otherRoots).count <= 2
    }

    /// `siblings(of:roots:among:exact:)` for every repository of a tree in
    /// turn: relatives share a root, so looking up each root finds every
    /// candidate, and a tree of mostly unrelated repositories costs a few
    /// lookups per repository instead of a pass over the whole tree.
    package struct Index<Path: Hashable & Sendable>: Sendable {
        package let known: [Path: Set<String>]
        private let byRoot: [String: [Path]]

        package init(_ known: [Path: Set<String>]) {
            self.known = known
            var byRoot: [String: [Path]] = [:]
            for (path, roots) in known {
                for root in roots { byRoot[root, default: []].append(path) }
            }
            self.byRoot = byRoot
        }

        package func siblings(of path: Path, roots: Set<String>, exact: Bool) -> Set<Path> {
            var found: Set<Path> = [], seen: Set<Path> = [path]
            for root in roots {
                for other in byRoot[root] ?? [] where seen.insert(other).inserted {
                    if let otherRoots = known[other], related(roots, otherRoots, exact: exact) { found.insert(other) }
                }
            }
            return found
        }
    }

    /// The objstore repository `roots` should borrow from: one holding a
    /// baseline repository (as `holdsBaseline` says) wins outright when it
    /// shares any root; otherwise the one whose roots are most shared, as a
    /// share of its own roots, when that share is at least `minimumRatio`
    /// (weakly related histories are not lumped together). Ties go to the
    /// first path in sorted order, so the answer does not depend on
    /// dictionary order.
    package static func bestObjectStore(for roots: Set<String>, excluding path: String? = nil, candidates: [String: Set<String>],
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
