/// The repositories grok-dumb-pull's PATH arguments name: each PATH
/// classified (`DumbPullDecision.classify`), trees walked with
/// grok-manifest's walk (`RepositoryWalker`: bare-looking directories,
/// objstore repositories left out, symlinked directories not descended
/// into). A repository reached twice (two PATHs, a symlink) is fetched
/// once, so no run contends with itself for a lock.
package struct DumbPullTargets: Sendable {
    /// Repository paths as given or found (what the hook receives).
    package var repositories: [String] = []
    /// One line per PATH that names nothing to fetch.
    package var errors: [String] = []

    package static func resolve(_ paths: [String], walker: RepositoryWalker = RepositoryWalker()) -> DumbPullTargets {
        var targets = DumbPullTargets()
        var seen: Set<ExactKey> = []
        func add(_ repository: String) {
            if seen.insert(ExactKey(PathUtilities.realpath(repository))).inserted { targets.repositories.append(repository) }
        }
        for path in paths {
            // A trailing slash is how shells complete directories.
            let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            switch DumbPullDecision.classify(trimmed, kind: FileSystem.resolvedKind(trimmed), isRepository: BareRepository.isBare(trimmed)) {
            case .repository: add(trimmed)
            case .tree:
                let walk = walker.walk(under: trimmed)
                walk.found.forEach(add)
                targets.errors += walk.unseen.map { "\($0) cannot be looked into (unreadable, or its name is not UTF-8)" }
            case .invalid(let reason): targets.errors.append("\(trimmed) \(reason)")
            }
        }
        return targets
    }
}
