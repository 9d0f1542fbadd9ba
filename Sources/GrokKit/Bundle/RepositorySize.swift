/// A repository's size as grok-bundle's `-s` limit counts it, grokmirror's
/// way: loose plus packed objects (KiB, as `git count-objects -v` reports
/// `size` and `size-pack`), plus the same of the repository it borrows
/// from, and so on down the alternates chain. A bundle holds the borrowed
/// objects too, so they count.
///
/// Read from the object directories (`ObjectCounts.measure`), not by
/// running git: a repository whose bundle is due costs no process for it.
package enum RepositorySize {
    /// KiB; a chain that loops, or deeper than 16 levels, stops there.
    package static func kibibytes(gitDir: String) -> Int {
        var total = 0
        var seen: Set<ExactKey> = []
        var next: String? = gitDir
        while let current = next, seen.count < 16, seen.insert(ExactKey(PathUtilities.realpath(current))).inserted {
            let counts = ObjectCounts.measure(gitDir: current)
            total += counts.looseSizeKiB + counts.packSizeKiB
            next = Alternates.borrowedRepository(of: current)
        }
        return total
    }
}
