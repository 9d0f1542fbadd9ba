/// Which repositories borrow objects from which: realpath of each lender →
/// realpaths of the repositories whose alternates point into it.
///
/// Paths are compared by their bytes (`ExactKey`): `café.git` in NFC and in
/// NFD are two borrowers, and an objstore repository may be pruned only when
/// its sibling remotes are exactly its borrowers, so a collapsed pair would
/// let a prune drop objects one of them still needs.
package struct BorrowerMap: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private var borrowersByLender: [ExactKey: Set<ExactKey>] = [:]
    /// Directories the scan could not see into (`RepositoryWalker.Walk.unseen`):
    /// a borrower there would be missing from the map, so while this is not
    /// empty nothing may be deleted or pruned on the strength of "nothing
    /// borrows from it".
    package private(set) var unseen: [String] = []

    package init() {}

    package init(dictionaryLiteral elements: (String, [String])...) {
        for (lender, borrowers) in elements { for borrower in borrowers { add(borrower, to: lender) } }
    }

    /// Reads every repository's alternates under toplevel and the objstore
    /// directory (symlinked repositories are aliases and are skipped, as in
    /// grokmirror).
    package static func scan(toplevel: String, objstore: String) -> BorrowerMap {
        var roots = [toplevel]
        if !PathUtilities.isInside(objstore, root: toplevel) { roots.append(objstore) }
        var map = BorrowerMap()
        let walker = RepositoryWalker(excludeObjectStores: false)
        for root in roots {
            let walk = walker.walk(under: root)
            map.unseen += walk.unseen
            for path in walk.found where FileSystem.kind(path) != .symlink {
                guard let lender = Alternates.borrowedRepository(of: path) else { continue }
                map.add(PathUtilities.realpath(path), to: lender)
            }
        }
        return map
    }

    package mutating func add(_ borrower: String, to lender: String) {
        borrowersByLender[ExactKey(lender), default: []].insert(ExactKey(borrower))
    }

    /// Records that `borrower` now borrows from `destination` instead.
    package mutating func move(_ borrower: String, from source: String, to destination: String) {
        borrowersByLender[ExactKey(source)]?.remove(ExactKey(borrower))
        add(borrower, to: destination)
    }

    /// Whether anything borrows from `lender`.
    package func lends(_ lender: String) -> Bool { !(borrowersByLender[ExactKey(lender)]?.isEmpty ?? true) }

    package func borrows(_ borrower: String, from lender: String) -> Bool {
        borrowersByLender[ExactKey(lender)]?.contains(ExactKey(borrower)) ?? false
    }

    /// The borrowers of `lender`, byte-exact.
    package func borrowers(of lender: String) -> Set<ExactKey> { borrowersByLender[ExactKey(lender)] ?? [] }

    /// The borrowers of `lender` in byte order.
    package func sortedBorrowers(of lender: String) -> [String] { borrowers(of: lender).sorted().map(\.string) }
}
