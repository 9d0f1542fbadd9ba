import Glibc
import Logging

/// grok-pull's event loop, for a one-shot run and for the service (`-o`
/// with `pull.refresh`). Everything it waits on (manifest checks, jobs,
/// housekeeping, hooks, timers, signals, push notifications) reports into
/// one mailbox, and all decisions are taken here, on one task; the work
/// runs in child tasks of one task group, at most `pull_threads` jobs and
/// one housekeeping at a time. Idle, it sleeps until the next check is due.
///
/// - One-shot: one check, its jobs, purge, housekeeping, hooks, then exit.
/// - Service: a check at start (ignoring mtimes) and every `refresh`
///   seconds once the previous one's work is out of the queue; a changed
///   config file is reloaded first. Gitdirs named on `pull.socket` are
///   fetched at once, ahead of everything waiting. Housekeeping pauses
///   while the load average exceeds the CPU count.
/// - SIGINT/SIGTERM cancel running work (git is stopped), save what
///   finished into the manifest and exit 0; SIGHUP reopens the log file.
/// - The local manifest is written every 100 finished repositories and
///   whenever the queue empties.
struct PullScheduler {
    private let pull: PullRun
    private let continuous: Bool
    private let logFile: LogFile?
    private let notifier: SystemdNotifier

    init(run: PullRun, continuous: Bool = false, logFile: LogFile? = nil, notifier: SystemdNotifier = SystemdNotifier(environment: [:])) {
        self.pull = run
        self.continuous = continuous
        self.logFile = logFile
        self.notifier = notifier
    }

    private enum Event: Sendable {
        case checked(PullRun.Check)
        case finished(PullPlan.Job, RepoJobRunner.Outcome)
        case housekept(Gitdir)
        case hooksDone
        case alarm(Double)
        case signal(Int32)
        case notified
    }

    /// The jobs of one changed remote manifest, until all have ended.
    private struct PassState {
        var culled: PullPlan.Culled
        var outstanding: Set<Gitdir>
        var hadRejections: Bool
        /// The `.remote` state to save when the pass ends complete.
        var status: RemoteManifestStatus?
        /// Whether one of its jobs failed (the pass is then incomplete).
        var jobFailed = false

        /// A job of this pass ended; `failed` marks the pass incomplete.
        mutating func ended(_ gitdir: Gitdir, failed: Bool) {
            if outstanding.remove(gitdir) != nil && failed { jobFailed = true }
        }
    }

    func run() async -> PullRun.ExitStatus {
        var pull = self.pull
        let logger = pull.logger
        let (events, mailbox) = AsyncStream<Event>.makeStream()
        let signals = SignalWatcher([SIGINT, SIGTERM, SIGHUP]) { mailbox.yield(.signal($0)) }
        defer { signals.stop() }
        let inbox = NotificationInbox()
        let listen: @Sendable (String) -> NotificationSocket? = { path in
            do {
                let socket = try NotificationSocket(path: path, logger: logger) { name in
                    switch inbox.add(name) {
                    case .wake: mailbox.yield(.notified)
                    case .full: logger.warning(" listener: \(inbox.capacity) notifications waiting, ignoring more until they are taken")
                    case .queued, .dropped: break
                    }
                }
                logger.info(" listener: listening on socket \(path)")
                return socket
            } catch {
                logger.critical("pull.socket: \(error)")
                return nil
            }
        }
        var listener: NotificationSocket? = nil
        if continuous, let path = pull.settings.socket {
            listener = listen(path)
            if listener == nil { return .unusable }
        }
        defer { listener?.close() }
        if continuous { logger.info("Running continuously, checking \(pull.settings.refresh ?? 300)s apart") }

        var queue = PullQueue()
        var pending: [(Gitdir, ManifestEntry)] = []
        var pass: PassState? = nil
        var checking = false, checkedOnce = false, unusable = false, interrupted = false
        var lastCheck: Double? = nil
        var forceNextCheck = continuous || pull.options.noMtimeCheck
        var failures: [Gitdir: String] = [:]
        var cloned: [Gitdir] = []
        var workDone = false, hooksRunning = false
        var finished = 0
        var retryAt: Double? = nil
        var housekeepingResumeAt: Double? = nil
        var saidPaused = false
        var nextWatchdog = MonotonicTime.seconds()
        var alarmAt: Double? = nil
        var knownRepositories = LocalManifestCache(file: ManifestFile(path: pull.config.core.manifest))
        var configStamp = pull.config.lastModified

        await withDiscardingTaskGroup { group in
            func startCheck(now: Double) {
                checking = true
                lastCheck = now
                let force = forceNextCheck
                forceNextCheck = false
                let current = pull
                group.addTask { mailbox.yield(.checked(await current.check(force: force))) }
            }

            func checkpoint(purged: [Gitdir] = []) async {
                if await pull.checkpoint(pending, purged: purged) { pending = [] }
            }

            /// A config edited since the last check takes effect now; an
            /// unusable one is reported and the running settings kept.
            func reloadConfigIfChanged() {
                let path = pull.config.path
                guard let stamp = FileSystem.modificationTime(path), stamp != configStamp else { return }
                configStamp = stamp
                do {
                    let config = try GrokConfig.load(path: path)
                    try config.validate()
                    let settings = try PullSettings(config: config)
                    logger.info("Config \(path) changed: reloaded")
                    if settings.socket != pull.settings.socket {
                        listener?.close()
                        listener = settings.socket.flatMap(listen)
                    }
                    pull = PullRun(config: config, settings: settings, options: pull.options, logger: logger, git: pull.git)
                } catch {
                    logger.critical("Config \(path) changed but is unusable, keeping the previous settings: \(error.description)")
                }
            }

            func handle(_ event: Event) async -> Bool {
                switch event {
                case .checked(let check):
                    checking = false
                    checkedOnce = true
                    switch check {
                    case .unchanged:
                        break
                    case .unusable:
                        if !continuous { unusable = true }
                    case .planned(let planned):
                        failures.merge(planned.rejections) { first, _ in first }
                        workDone = true
                        pass = PassState(culled: planned.culled, outstanding: Set(planned.jobs.map(\.gitdir)), hadRejections: !planned.rejections.isEmpty,
                                         status: planned.status)
                        for job in planned.jobs { queue.submit(job) }
                    }
                case .finished(let job, let outcome):
                    /// The repository was updated: its entry is saved at the next checkpoint.
                    func record(_ entry: ManifestEntry, maintenance: [RepoJobRunner.Maintenance]) {
                        queue.finish(job)
                        finished += 1
                        workDone = true
                        logger.info("     done: \(job.gitdir)")
                        pending.append((job.gitdir, entry))
                        if !maintenance.isEmpty { queue.addHousekeeping(job.gitdir, maintenance) }
                    }
                    switch outcome {
                    case .done(let entry, let didClone, let maintenance):
                        record(entry, maintenance: maintenance)
                        if didClone { cloned.append(job.gitdir) }
                        failures[job.gitdir] = nil
                        pass?.ended(job.gitdir, failed: false)
                    case .refused(let refusal, let entry, let maintenance):
                        // Updated, but reported (the runner logged why) and
                        // planned again by the next pass, not at once.
                        record(entry, maintenance: maintenance)
                        failures[job.gitdir] = refusal
                        pass?.ended(job.gitdir, failed: true)
                    case .failed(let message):
                        queue.finish(job)
                        logger.error("   failed: \(message)")
                        failures[job.gitdir] = message
                        pass?.ended(job.gitdir, failed: true)
                    case .deferred:
                        queue.postpone(job, now: MonotonicTime.seconds())
                    }
                case .housekept(let gitdir):
                    queue.finishHousekeeping(gitdir)
                case .hooksDone:
                    hooksRunning = false
                case .alarm(let deadline):
                    if deadline == alarmAt { alarmAt = nil }
                case .signal(let number):
                    if number == SIGHUP {
                        logFile?.reopen()
                        logger.info("Got SIGHUP: reopened the log file")
                    } else {
                        logger.info("Got signal \(number): saving finished work and exiting")
                        interrupted = true
                        return false
                    }
                case .notified:
                    let local = knownRepositories.current()
                    for name in inbox.drain() {
                        if let job = pull.notificationJob(for: name, local: local) { queue.submit(job, urgent: true) }
                    }
                }
                return true
            }

            /// Starts whatever may start now; false when a one-shot run is over.
            func advance() async -> Bool {
                var now = MonotonicTime.seconds()
                if queue.hasDeferred {
                    if let due = retryAt, now >= due {
                        for job in queue.retryDeferred(now: now) {
                            failures[job.gitdir] = "still locked by another process after 10 minutes"
                            logger.error("   failed: \(job.gitdir): still locked by another process after 10 minutes")
                            pass?.ended(job.gitdir, failed: true)
                        }
                        retryAt = nil
                    } else if retryAt == nil {
                        retryAt = now + 1
                    }
                }

                let runner = pull.runner
                let objstore = runner.attachment
                while queue.running.count < pull.settings.threads,
                      let job = queue.next(objstoreExists: { FileSystem.isDirectory(objstore.storePath($0)) }) {
                    group.addTask { mailbox.yield(.finished(job, await runner.run(job))) }
                }

                if let done = pass, done.outstanding.isEmpty {
                    pass = nil
                    var purged: [Gitdir] = []
                    if pull.options.purge || pull.settings.purge {
                        purged = await pull.purge(culled: done.culled, hadRejections: done.hadRejections, busy: queue.busy)
                    }
                    await checkpoint(purged: purged)
                    // Only complete, recorded work lets the next check skip
                    // an unchanged manifest; anything else is re-planned. So
                    // are rejected entries: every run reports them (exit 1)
                    // until the origin fixes them.
                    if !done.jobFailed && !done.hadRejections && pending.isEmpty {
                        pull.refreshProjectsList()
                        if let status = done.status { pull.recordCompletedPass(status) }
                    } else if continuous {
                        forceNextCheck = true
                    }
                    if continuous {
                        Self.report(failures, logger: logger)
                        failures = [:]
                    }
                }
                if pending.count >= 100 || (!pending.isEmpty && queue.running.isEmpty && !queue.hasWaiting) {
                    await checkpoint()
                }

                if queue.housekeepingCount > 0 && queue.held.isEmpty && !queue.hasWaiting && now >= housekeepingResumeAt ?? now {
                    housekeepingResumeAt = nil
                    if continuous && SystemLoad.isOverloaded(load: SystemLoad.oneMinuteAverage(), cpus: SystemLoad.cpuCount) {
                        if !saidPaused { logger.info("      spa: paused (system load), \(queue.housekeepingCount) waiting") }
                        saidPaused = true
                        housekeepingResumeAt = now + 5
                    } else if let work = queue.nextHousekeeping() {
                        saidPaused = false
                        let current = pull
                        group.addTask {
                            await current.houseKeep(work.gitdir, work.actions)
                            mailbox.yield(.housekept(work.gitdir))
                        }
                    }
                }

                let quiet = queue.isIdle && pass == nil && !checking && checkedOnce && (continuous || queue.housekeepingIsIdle)
                if quiet && workDone && !hooksRunning && !unusable {
                    workDone = false
                    hooksRunning = true
                    let current = pull, clones = cloned
                    cloned = []
                    group.addTask {
                        await current.runCompletionHooks(cloned: clones)
                        mailbox.yield(.hooksDone)
                    }
                }
                if !continuous && (unusable || (quiet && !hooksRunning && !workDone)) { return false }

                var nextCheck: Double? = nil
                if continuous && !checking && pass == nil {
                    let due = lastCheck.map { $0 + Double(pull.settings.refresh ?? 300) } ?? now
                    if now >= due && !queue.hasWaiting && !queue.hasDeferred {
                        await checkpoint()
                        reloadConfigIfChanged()
                        now = MonotonicTime.seconds()
                        startCheck(now: now)
                    } else if due > now {
                        nextCheck = due
                    }
                }

                if let interval = notifier.watchdogInterval {
                    if now >= nextWatchdog {
                        notifier.notify("WATCHDOG=1")
                        nextWatchdog = now + Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
                    }
                }
                let watchdog: Double? = notifier.watchdogInterval == nil ? nil : nextWatchdog
                if let deadline = [retryAt, housekeepingResumeAt, nextCheck, watchdog].compactMap({ $0 }).filter({ $0 > now }).min(),
                   alarmAt.map({ deadline < $0 }) ?? true {
                    alarmAt = deadline
                    group.addTask {
                        try? await Task.sleep(for: .seconds(deadline - MonotonicTime.seconds()))
                        mailbox.yield(.alarm(deadline))
                    }
                }
                ProgressLine.shared.update("grok-pull: \(finished) done, \(queue.running.count) active, \(queue.queuedCount) queued, \(failures.count) errors")
                return true
            }

            notifier.notify("READY=1")
            startCheck(now: MonotonicTime.seconds())
            if await advance() {
                for await event in events {
                    guard await handle(event), await advance() else { break }
                }
            }
            group.cancelAll()
            notifier.notify("STOPPING=1")
            await checkpoint()
        }
        ProgressLine.shared.clear()
        if unusable { return .unusable }
        if interrupted {
            logger.info("Interrupted: saved the work completed so far.")
            return .success
        }
        Self.report(failures, logger: logger)
        return failures.isEmpty ? .success : .someFailed
    }

    private static func report(_ failures: [Gitdir: String], logger: Logger) {
        guard !failures.isEmpty else { return }
        logger.critical("\(failures.count) repositories failed:")
        for gitdir in failures.keys.sorted() { logger.critical("  \(gitdir): \(failures[gitdir]!)") }
    }
}
