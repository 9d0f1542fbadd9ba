/// The upkeep decisions for objstore repositories, as plain functions over
/// values: which objstore absorbs redundant ones, what the manifest says
/// about each sibling, which refs are baselines and which sibling is the
/// delta-island core.
package enum ObjectStorePlan {
    /// A sibling as the objstore knows it: its virtref and its gitdir.
    package struct Sibling: Sendable, Equatable {
        package let virtref: String
        package let gitdir: String
        package init(virtref: String, gitdir: String) {
            self.virtref = virtref
            self.gitdir = gitdir
        }
    }

    /// The objstore repository redundant ones merge into: the one with the
    /// most siblings, so the fewest objects move; ties go to the first path
    /// in sorted order.
    package static func mergeDestination(siblingCounts: [String: Int]) -> String? {
        siblingCounts.keys.sorted().max { siblingCounts[$0]! < siblingCounts[$1]! || (siblingCounts[$0]! == siblingCounts[$1]! && $0 > $1) }
    }

    /// The manifest's `forkgroup` and `reference` for an objstore's
    /// siblings in remote order: all get the forkgroup; the first is the
    /// group's reference entry (its own `reference` null, as grokmirror
    /// writes it) and the others name it.
    package static func manifestLinks(forkgroup: String, gitdirs: [String]) -> [(gitdir: String, forkgroup: String, reference: String?)] {
        guard let first = gitdirs.first else { return [] }
        return gitdirs.map { ($0, forkgroup, $0 == first ? nil : first) }
    }

    /// Writes `links` into the entries they name that say otherwise (or
    /// lack a `reference` key); true when any entry changed. Gitdirs not in
    /// the manifest are skipped.
    package static func record(_ links: [(gitdir: String, forkgroup: String, reference: String?)], in manifest: inout Manifest) -> Bool {
        var changed = false
        for link in links {
            let gitdir = Gitdir(link.gitdir)
            guard var entry = manifest[gitdir] else { continue }
            if entry.forkgroup == link.forkgroup && entry.reference == link.reference && entry.object["reference"] != nil { continue }
            entry.forkgroup = link.forkgroup
            entry.reference = link.reference
            manifest[gitdir] = entry
            changed = true
        }
        return changed
    }

    /// `core.alternateRefsPrefixes` for every sibling: the heads of the
    /// siblings matching a baseline glob, sorted and space-separated, so
    /// forks negotiate against the baseline's history only. nil when no
    /// sibling is a baseline.
    package static func alternateRefsPrefixes(siblings: [Sibling], baselines: [Glob]) -> String? {
        let prefixes = Set(siblings.filter { baselines.anyMatches($0.gitdir) }.map { "refs/virtual/\($0.virtref)/heads/" })
        return prefixes.isEmpty ? nil : prefixes.sorted().joined(separator: " ")
    }

    /// `pack.islandCore`: the virtref of the first sibling matching an
    /// islandcores glob, whose objects then anchor the deltas.
    package static func islandCore(siblings: [Sibling], islandCores: [Glob]) -> String? {
        siblings.first { islandCores.anyMatches($0.gitdir) }?.virtref
    }

    /// Whether two blob inventories (hash → size) overlap by at least
    /// `percent` of each one's total size: the `blobs` merge strategy.
    package static func sharesBlobs(_ first: [String: Int], _ second: [String: Int], percent: Int = 75) -> Bool {
        let (small, large) = first.count <= second.count ? (first, second) : (second, first)
        var shared = 0
        for (hash, size) in small where large[hash] != nil { shared += size }
        guard shared > 0 else { return false }
        let firstTotal = first.values.reduce(0, +), secondTotal = second.values.reduce(0, +)
        return shared * 100 / max(firstTotal, 1) >= percent && shared * 100 / max(secondTotal, 1) >= percent
    }
}
