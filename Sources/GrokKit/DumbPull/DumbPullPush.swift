import Logging

/// grok-push's `[push.*]` destinations applied by grok-dumb-pull (`-c`):
/// a repository is pushed where it is behind, after a fetch that changed
/// its refs or when an earlier push failed (the push state says so without
/// a git process). Its gitdir, which the destinations' `{gitdir}`,
/// include/exclude and the push state key on, is its path relative to the
/// config's toplevel; a repository outside toplevel has none and is not
/// pushed (logged once per pass).
package struct DumbPullPush: Sendable {
    /// The config's `core.toplevel`, resolved.
    package let toplevel: String
    package let pusher: RepositoryPusher
    package let logger: Logger

    package init(toplevel: String, pusher: RepositoryPusher, logger: Logger) {
        self.toplevel = toplevel
        self.pusher = pusher
        self.logger = logger
    }

    /// The push gitdir of the repository at `path` (symlinks resolved, so a
    /// link into toplevel pushes as the repository it reaches).
    package func gitdir(of path: String) -> Gitdir? {
        Gitdir.of(fullpath: PathUtilities.realpath(path), toplevel: toplevel)
    }

    /// Pushes the repository (under its lock, held by the caller) where
    /// needed; one message per destination that failed.
    /// - Parameter fingerprint: its refs fingerprint after the fetches.
    package func push(_ path: String, changed: Bool, fingerprint: String?) async -> [String] {
        guard let gitdir = gitdir(of: path) else {
            logger.info("     push: \(path) is outside toplevel \(toplevel), not pushed")
            return []
        }
        guard DumbPullDecision.pushes(changed: changed, behindSomewhere: pusher.isBehind(gitdir, fingerprint: fingerprint ?? "")) else { return [] }
        return await pusher.push(PathUtilities.realpath(path), gitdir: gitdir)
    }
}
