/// Which repositories a grok-push run pushes: those named on the command
/// line (full paths under toplevel, or gitdirs), or else every repository
/// of the local manifest that some destination has not had at its
/// manifest fingerprint. Decided from names and the push state alone.
package enum PushTargets {
    package struct Rejected: Sendable, Equatable {
        package let argument: String
        package let reason: String
    }

    /// The gitdirs the arguments name, and the arguments that name none.
    /// A path under toplevel is a repository's full path; anything else is
    /// a gitdir (`/pub/x.git`, or without the leading slash).
    package static func named(_ arguments: [String], toplevel: String) -> (gitdirs: [Gitdir], rejected: [Rejected]) {
        var gitdirs: [Gitdir] = [], seen: Set<Gitdir> = [], rejected: [Rejected] = []
        for argument in arguments {
            let trimmed = argument.count > 1 && argument.hasSuffix("/") ? String(argument.dropLast()) : argument
            let gitdir = Gitdir.of(fullpath: trimmed, toplevel: toplevel) ?? Gitdir(trimmed.hasPrefix("/") ? trimmed : "/" + trimmed)
            guard gitdir.isClean else {
                rejected.append(Rejected(argument: argument, reason: "not a clean path below toplevel"))
                continue
            }
            if seen.insert(gitdir).inserted { gitdirs.append(gitdir) }
        }
        return (gitdirs, rejected)
    }

    /// The local manifest's repositories that are behind at a destination.
    package static func behind(in manifest: Manifest, pusher: RepositoryPusher) -> [Gitdir] {
        manifest.gitdirs.filter { pusher.isBehind($0, fingerprint: manifest[$0]?.fingerprint) }.sorted()
    }
}
