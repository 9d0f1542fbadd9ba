import Glibc
import Logging

/// One grok-push run: the repositories named (or all that are behind),
/// each pushed under its lock to every destination that takes it, at most
/// `pull_threads` at a time. Exit 0 when everything was pushed, 1 when
/// something failed (listed at the end).
package struct PushRun: Sendable {
    package let settings: PushSettings
    package let logger: Logger
    package let pusher: RepositoryPusher

    /// How long a repository locked by another tool (a grok-pull fetching
    /// it) is waited for before it counts as failed, in seconds.
    static let lockPatience = 120

    package init(settings: PushSettings, logger: Logger, force: Bool, git: GitRunner = GitRunner()) {
        self.settings = settings
        self.logger = logger
        pusher = RepositoryPusher(destinations: settings.destinations, privateRepos: settings.privateRepos,
                                  store: PushStateStore(path: PushStateStore.path(forLocalManifest: settings.manifest)), health: DestinationHealth(),
                                  git: git, logger: logger, overrideDeleteProtect: force,
                                  status: StatusStore.openForWriting(path: StatusStore.path(forLocalManifest: settings.manifest), logger: logger))
    }

    /// Pushes `arguments` (paths or gitdirs), or every repository behind.
    package func run(arguments: [String]) async -> Int32 {
        pusher.status?.heartbeat("push")
        var failures: [(String, String)] = []
        let gitdirs: [Gitdir]
        if arguments.isEmpty {
            guard let manifest = try? ManifestFile(path: settings.manifest).read() else {
                logger.critical("Cannot read the local manifest \(settings.manifest); name the repositories to push")
                return 1
            }
            gitdirs = PushTargets.behind(in: manifest, pusher: pusher)
            logger.info("     push: \(gitdirs.count) of \(manifest.count) repositories behind at a destination")
        } else {
            let named = PushTargets.named(arguments, toplevel: settings.toplevel)
            failures += named.rejected.map { ($0.argument, $0.reason) }
            gitdirs = named.gitdirs
        }
        failures += await pushAll(gitdirs)
        ProgressLine.shared.clear()
        // As grok-pull: what was not pushed is still behind, and the next run pushes it.
        if Task.isCancelled {
            logger.info("Interrupted: recorded the pushes completed so far.")
            return 0
        }
        guard !failures.isEmpty else { return 0 }
        logger.critical("\(failures.count) repositories failed:")
        for (name, why) in failures { logger.critical("  \(name): \(why)") }
        return 1
    }

    /// Pushes at most `threads` repositories at a time; the failures.
    private func pushAll(_ gitdirs: [Gitdir]) async -> [(String, String)] {
        var failures: [(String, String)] = []
        var done = 0
        await BoundedConcurrency.forEach(gitdirs, limit: settings.threads, { await self.pushOne($0) }) { gitdir, messages in
            done += 1
            failures += messages.map { (gitdir.path, $0) }
            ProgressLine.shared.update("push: \(done)/\(gitdirs.count) repositories, \(failures.count) failed")
        }
        return failures
    }

    /// One repository under its lock; its failure messages.
    private func pushOne(_ gitdir: Gitdir) async -> [String] {
        let path = gitdir.fullpath(in: settings.toplevel)
        guard BareRepository.isBare(path), !FileSystem.isSymlink(path) else { return ["\(path) is not a repository"] }
        // Through a symlinked directory the repository is another one (or
        // outside toplevel, a private one under a public name): not pushed,
        // and no lock is written beside it.
        let parent = PathUtilities.dirname(gitdir.path)
        guard PathUtilities.realpath(PathUtilities.dirname(path)) == PathUtilities.realpath(settings.toplevel) + (parent == "/" ? "" : parent) else {
            return ["\(path) is reached through a symlinked directory; name the repository by its own path"]
        }
        guard !pusher.destinations(for: gitdir).isEmpty else { return ["no [push.*] destination takes it (include, exclude, core.private)"] }
        do {
            var waited = 0
            while true {
                if let lock = try FileLock.tryAcquire(for: path) {
                    defer { lock.release() }
                    return await pusher.push(path, gitdir: gitdir)
                }
                if waited == 0 { logger.info("     wait: \(gitdir) (locked by another process)") }
                guard waited < Self.lockPatience, (try? await Task.sleep(for: .seconds(1))) != nil else {
                    return ["still locked by another process after \(waited) seconds"]
                }
                waited += 1
            }
        } catch {
            return [error.description]
        }
    }
}
