import Logging

/// One pass of grok-dumb-pull: the PATHs resolved to repositories afresh
/// (so a watching run sees repositories added since), then at most
/// `threads` repositories pulled at a time. Returns the failures, each
/// naming its path; they are also logged at the end, critical, so they
/// show without `-v`.
package struct DumbPullRun: Sendable {
    package let paths: [String]
    package let threads: Int
    package let worker: DumbPullWorker

    package init(paths: [String], threads: Int, worker: DumbPullWorker) {
        self.paths = paths
        self.threads = threads
        self.worker = worker
    }

    package var logger: Logger { worker.logger }

    /// One line per failure: a PATH naming nothing to fetch, or
    /// `<repository>: <what failed>`.
    package func pass() async -> [String] {
        let targets = DumbPullTargets.resolve(paths)
        var failures = targets.errors
        logger.debug("Found \(targets.repositories.count) repositories")
        var changed = 0, locked = 0, done = 0
        await BoundedConcurrency.forEach(targets.repositories, limit: threads, { await worker.pull($0) }) { path, outcome in
            done += 1
            if outcome.changed { changed += 1 }
            if outcome.locked { locked += 1 }
            failures += outcome.failures.map { "\(path): \($0)" }
            ProgressLine.shared.update("dumb-pull: \(done)/\(targets.repositories.count) repositories, \(changed) updated, \(failures.count) failed")
        }
        ProgressLine.shared.clear()
        logger.info("dumb-pull: \(targets.repositories.count) repositories, \(changed) updated, \(locked) locked by another process, \(failures.count) failures")
        if !failures.isEmpty {
            logger.critical("\(failures.count) failures:")
            for failure in failures { logger.critical("  \(failure)") }
        }
        return failures
    }
}
