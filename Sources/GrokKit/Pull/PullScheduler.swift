import Glibc
import Logging

/// Runs jobs `threads` at a time. A clone that creates its forkgroup's
/// objstore runs alone in that forkgroup: the forkgroup's other jobs wait
/// for it, then clone against what it brought in. A job whose repository is locked is
/// retried a second later (never dropped silently; after ten minutes it is
/// reported as failed). SIGINT/SIGTERM stop new work, cancel running
/// fetches and return what finished. Every 100 finished repositories the
/// caller checkpoints the local manifest.
struct PullScheduler: Sendable {
    let runner: RepoJobRunner
    let threads: Int
    let logger: Logger
    let checkpoint: @Sendable ([(String, ManifestEntry)]) async -> Bool

    init(runner: RepoJobRunner, threads: Int, logger: Logger, checkpoint: @escaping @Sendable ([(String, ManifestEntry)]) async -> Bool) {
        self.runner = runner
        self.threads = threads
        self.logger = logger
        self.checkpoint = checkpoint
    }

    struct Result {
        var pendingCheckpoint: [(String, ManifestEntry)] = []
        /// Jobs that completed, including those already checkpointed.
        var finished = 0
        var failures: [String: String] = [:]
        var cloned: [String] = []
        var maintenance: [(String, [RepoJobRunner.Maintenance])] = []
        var interrupted = false
    }

    private enum Event: Sendable {
        case finished(PullPlan.Job, RepoJobRunner.Outcome)
        case retryDue
        case signal(Int32)
    }

    func run(_ jobs: [PullPlan.Job]) async -> Result {
        var result = Result()
        guard !jobs.isEmpty else { return result }
        var queue = jobs[...]
        var deferred: [PullPlan.Job] = []
        var deferredSince: [String: Double] = [:]
        var active = 0, good = 0
        let total = jobs.count
        /// Forkgroups whose objstore a running job is creating.
        var creating: Set<String> = []
        var runningInForkgroup: [String: Int] = [:]
        var waitingOnForkgroup: [String: [PullPlan.Job]] = [:]
        let watcher = SignalWatcher()
        let runner = self.runner

        await withTaskGroup(of: Event.self) { group in
            group.addTask {
                for await number in watcher.signals { return .signal(number) }
                return .signal(0)
            }
            var retryTimerRunning = false
            func launchAvailable() {
                while active < threads, let job = queue.popFirst() {
                    if let forkgroup = job.forkgroup {
                        let creates = !FileSystem.isDirectory(runner.attachment.storePath(forkgroup))
                        if creating.contains(forkgroup) || (creates && runningInForkgroup[forkgroup, default: 0] > 0) {
                            waitingOnForkgroup[forkgroup, default: []].append(job)
                            continue
                        }
                        if creates { creating.insert(forkgroup) }
                        runningInForkgroup[forkgroup, default: 0] += 1
                    }
                    active += 1
                    group.addTask { .finished(job, await runner.run(job)) }
                }
                if !deferred.isEmpty && !retryTimerRunning && active < threads {
                    retryTimerRunning = true
                    group.addTask {
                        try? await Task.sleep(for: .seconds(1))
                        return .retryDue
                    }
                }
            }
            launchAvailable()
            while let event = await group.next() {
                switch event {
                case .signal(let number):
                    logger.info("Got signal \(number): saving finished work and exiting")
                    result.interrupted = true
                    group.cancelAll()
                    return
                case .retryDue:
                    retryTimerRunning = false
                    let now = Self.now()
                    for job in deferred {
                        if now - deferredSince[job.gitdir, default: now] > 600 {
                            result.failures[job.gitdir] = "still locked by another process after 10 minutes"
                        } else {
                            queue.append(job)
                        }
                    }
                    deferred = []
                case .finished(let job, let outcome):
                    active -= 1
                    if let forkgroup = job.forkgroup {
                        runningInForkgroup[forkgroup, default: 1] -= 1
                        creating.remove(forkgroup)
                        if let waiting = waitingOnForkgroup.removeValue(forKey: forkgroup) { queue = ArraySlice(waiting + queue) }
                    }
                    switch outcome {
                    case .done(let entry, let cloned, let maintenance):
                        good += 1
                        result.finished += 1
                        logger.info("     done: \(job.gitdir)")
                        result.pendingCheckpoint.append((job.gitdir, entry))
                        if cloned { result.cloned.append(job.gitdir) }
                        if !maintenance.isEmpty { result.maintenance.append((job.gitdir, maintenance)) }
                    case .failed(let message):
                        logger.error("   failed: \(message)")
                        result.failures[job.gitdir] = message
                    case .deferred:
                        deferred.append(job)
                        if deferredSince[job.gitdir] == nil { deferredSince[job.gitdir] = Self.now() }
                    }
                    if result.pendingCheckpoint.count >= 100 {
                        if await checkpoint(result.pendingCheckpoint) { result.pendingCheckpoint = [] }
                    }
                }
                if queue.isEmpty && deferred.isEmpty && active == 0 && !retryTimerRunning && waitingOnForkgroup.isEmpty {
                    group.cancelAll()
                    return
                }
                launchAvailable()
                ProgressLine.shared.update("grok-pull: \(good + result.failures.count)/\(total) done, \(active) active, \(queue.count + deferred.count + waitingOnForkgroup.values.reduce(0) { $0 + $1.count }) queued, \(result.failures.count) errors")
            }
        }
        ProgressLine.shared.clear()
        return result
    }

    private static func now() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
