/// How a repository's fresh `RepoInfo` is folded into its manifest entry
/// (pure).
package enum ManifestEntryUpdate {
    /// `reference` follows grokmirror's rules, which 1.x replicas rely on:
    /// when the forkgroup changed, the first sibling (by sorted URL) of the
    /// objstore; otherwise what the entry had; and for plain alternates (no
    /// forkgroup) the repository borrowed from.
    package static func reference(previous: ManifestEntry?, info: RepoInfo, objstoreSiblingURLs: [String], toplevel: String) -> String? {
        var reference: String?
        if previous?.forkgroup != info.forkgroup {
            reference = objstoreSiblingURLs.sortedByBytes().first.map { "/" + PathUtilities.relative($0, to: toplevel) }
        } else {
            reference = previous?.reference
        }
        if let borrowed = info.borrowed, reference == nil, info.forkgroup == nil {
            reference = "/" + PathUtilities.relative(borrowed, to: toplevel)
        }
        return reference
    }

    /// The updated entry: known keys replaced, unknown keys kept. Unlike
    /// grokmirror, a description, owner or forkgroup that disappeared from
    /// the repository also disappears from the entry.
    package static func apply(_ info: RepoInfo, to previous: ManifestEntry?, reference: String?) -> ManifestEntry {
        var entry = previous ?? ManifestEntry()
        entry.modified = info.modified
        entry.fingerprint = info.fingerprint
        entry.head = info.head
        entry.owner = info.owner.flatMap { $0.isEmpty ? nil : $0 }
        entry.description = info.description
        entry.forkgroup = info.forkgroup
        entry.reference = reference
        return entry
    }
}
