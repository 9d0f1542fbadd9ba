import Logging

/// Pushes one repository to each `[push.*]` destination that takes it,
/// after its clone or fetch (grok-pull) or on demand (grok-push); the
/// caller holds the repository's lock. A destination already holding the
/// repository's current state (`PushStateStore`) costs no git process.
///
/// Each push is `git push --porcelain [--prune] <remote> <refspecs>` with
/// the destination URL given through the environment
/// (`GIT_CONFIG_*`, remote `grokmirror-push`): no user string reaches an
/// option position, and credentials in the URL stay out of the process
/// list. Transport failures are retried with back-off (1 s, 2 s, 4 s, …);
/// refs the destination rejects are reported and not retried.
package struct RepositoryPusher: Sendable {
    package let destinations: [PushDestination]
    package let privateRepos: [Glob]
    package let store: PushStateStore
    /// Which destinations keep failing, and are paused.
    package let health: DestinationHealth
    package let git: GitRunner
    package let logger: Logger
    /// `grok-push --force`: `deleteprotect` does not stop this run.
    package let overrideDeleteProtect: Bool
    /// Where each push's result is recorded for grok-serve.
    package let status: StatusStore?

    package init(destinations: [PushDestination], privateRepos: [Glob], store: PushStateStore, health: DestinationHealth, git: GitRunner,
                 logger: Logger, overrideDeleteProtect: Bool = false, status: StatusStore? = nil) {
        self.destinations = destinations
        self.privateRepos = privateRepos
        self.store = store
        self.health = health
        self.git = git
        self.logger = logger
        self.overrideDeleteProtect = overrideDeleteProtect
        self.status = status
    }

    /// The remote name the destination URL is configured under, per command.
    static let remoteName = "grokmirror-push"

    package func destinations(for gitdir: Gitdir) -> [PushDestination] {
        destinations.filter { $0.takes(gitdir, privateRepos: privateRepos) }
    }

    /// Whether some destination taking `gitdir`, and not paused, has not
    /// had `fingerprint` pushed (with its current settings): decided from
    /// the state alone.
    package func isBehind(_ gitdir: Gitdir, fingerprint: String?, now: Double = MonotonicTime.seconds()) -> Bool {
        destinations(for: gitdir).contains { destination in
            if health.isPaused(destination.name, now: now) { return false }
            guard let record = store.record(destination: destination.name, gitdir: gitdir) else { return true }
            return !record.isCurrent(fingerprint: fingerprint, settings: destination.settingsDigest)
        }
    }

    /// Pushes the repository at `path` wherever it is behind. Returns one
    /// message per destination that failed (already logged; "push to NAME:
    /// why", without the gitdir), empty when every destination holds the
    /// repository's current state.
    package func push(_ path: String, gitdir: Gitdir) async -> [String] {
        let targets = destinations(for: gitdir)
        guard !targets.isEmpty else { return [] }
        let refs: [RefStore.Ref]
        do { refs = try await FingerprintReader(git: git).refs(gitDir: path) ?? [] } catch {
            return ["cannot read its refs: \(error.description)"]
        }
        let fingerprint = Fingerprint.compute(refs).value ?? ""
        var failures: [String] = []
        for destination in targets {
            if Task.isCancelled { return failures + ["push to \(destination.name): interrupted"] }
            if health.isPaused(destination.name, now: MonotonicTime.seconds()) {
                failures.append("push to \(destination.name): skipped, the destination keeps failing (paused)")
                continue
            }
            let attempt = PushAttempt(pusher: self, path: path, gitdir: gitdir, destination: destination, refs: refs)
            let why: String
            switch await attempt.run(fingerprint: fingerprint) {
            case .current: continue
            case .pushed:
                health.succeeded(destination.name)
                status?.pushed(gitdir, destination: destination.name, error: nil)
                continue
            case .refused(let reason): why = reason
            case .failed(let reason):
                why = reason
                if let pause = health.failed(destination.name, now: MonotonicTime.seconds()) {
                    logger.error("     push: \(destination.name) failed for \(DestinationBackoff.threshold) repositories in a row: pausing pushes to it for \(Int(pause)) seconds")
                }
            }
            logger.error("     push: \(gitdir) -> \(destination.name): \(why)")
            if !Task.isCancelled { status?.pushed(gitdir, destination: destination.name, error: why) }
            failures.append("push to \(destination.name): \(why)")
        }
        return failures
    }
}
