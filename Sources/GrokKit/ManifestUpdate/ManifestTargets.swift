/// Which repositories a grok-manifest run looks at, decided from the
/// arguments alone (pure: no disk access), so the rules are unit-testable.
package enum ManifestTargets {
    /// grokmirror walks the whole tree when asked to purge, when no paths
    /// were given, or when the manifest is empty or was unreadable (so a
    /// lost manifest is regenerated instead of shrinking to one entry).
    package static func needsFullWalk(purge: Bool, paths: [String], manifestIsEmpty: Bool) -> Bool {
        purge || paths.isEmpty || manifestIsEmpty
    }

    /// Entries a full walk drops: those whose repository it did not find,
    /// except those at or below a directory (gitdir form) it could not read.
    package static func vanished(in manifest: Manifest, found: Set<Gitdir>, unreadable: [Gitdir] = []) -> Set<Gitdir> {
        Set(manifest.gitdirs.filter { gitdir in
            !found.contains(gitdir) && !unreadable.contains { gitdir.isAtOrBelow($0) }
        })
    }
}
