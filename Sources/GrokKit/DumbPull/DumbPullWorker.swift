import Logging

/// One repository's turn: its lock taken without waiting (a repository
/// locked by grok-pull, grok-fsck or another grok-dumb-pull is skipped and
/// logged), its refs fingerprint read from the ref files before and after
/// the fetches (no git process), and when it changed: automatic
/// maintenance, its new objects into the objstore it borrows from, the
/// `[push.*]` destinations, then, with the lock released, the `-u` hook
/// with the repository's path.
package struct DumbPullWorker: Sendable {
    package let fetcher: DumbPullFetcher
    package let hook: String?
    package let push: DumbPullPush?
    /// `core.objstore_uses_plumbing` of the config, else false.
    package let objstorePlumbing: Bool

    package init(fetcher: DumbPullFetcher, hook: String?, push: DumbPullPush?, objstorePlumbing: Bool = false) {
        self.fetcher = fetcher
        self.hook = hook
        self.push = push
        self.objstorePlumbing = objstorePlumbing
    }

    var git: GitRunner { fetcher.git }
    var logger: Logger { fetcher.logger }

    package func pull(_ path: String) async -> DumbPullOutcome {
        let lock: FileLock
        do {
            guard let held = try FileLock.tryAcquire(for: path) else {
                logger.info("Could not obtain exclusive lock on \(path)")
                logger.info("\tAssuming another process is running.")
                return DumbPullOutcome(locked: true)
            }
            lock = held
        } catch {
            return DumbPullOutcome(failures: [error.description])
        }
        var outcome = DumbPullOutcome()
        let before = await fingerprint(path, failures: &outcome.failures)
        outcome.failures += await fetcher.fetch(path)
        let after = await fingerprint(path, failures: &outcome.failures)
        outcome.changed = before != after
        if outcome.changed {
            logger.debug("New revs found -- new content pulled")
            await afterChange(path)
        } else {
            logger.debug("No new revs, no updates")
        }
        if let push, !Task.isCancelled { outcome.failures += await push.push(path, changed: outcome.changed, fingerprint: after) }
        lock.release()
        if DumbPullDecision.runsHook(hook, before: before, after: after), let hook {
            await HookRunner(logger: logger).run(command: [hook], display: hook, arguments: [path], context: path)
        }
        return outcome
    }

    /// The refs fingerprint from the ref files (git only where they are
    /// not plain); nil for no refs, and a failure when git cannot say.
    private func fingerprint(_ path: String, failures: inout [String]) async -> String? {
        do { return try await FingerprintReader(git: git).refsFingerprint(gitDir: path) } catch {
            failures.append("cannot read its refs: \(error.description)")
            return nil
        }
    }

    /// What the fetches left out: `git maintenance run --auto` (what fetch
    /// runs by itself), and the new objects fetched into the objstore
    /// repository the repository borrows from, as grok-pull does.
    private func afterChange(_ path: String) async {
        if let result = try? await git.run(gitDir: path, ["maintenance", "run", "--auto", "--quiet"]), !result.succeeded {
            logger.debug("Could not run automatic maintenance in \(path): \(result.errorOutput)")
        }
        guard let store = Alternates.borrowedRepository(of: path), BareRepository.isObjectStore(store) else { return }
        let attachment = ObjectStoreAttachment(objstore: PathUtilities.dirname(store), plumbing: objstorePlumbing, preloadBundleURL: nil,
                                               git: git, logger: logger)
        logger.info(" objstore: \(path) -> \(PathUtilities.basename(store))")
        await attachment.fetchIn(PathUtilities.realpath(path), store: store)
    }
}
