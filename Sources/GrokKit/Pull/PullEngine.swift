import Glibc
import Logging

/// grok-pull's decisions, for a one-shot run and for the service (`-o`
/// with `pull.refresh`), as a state machine: `handle` takes what happened
/// (an `Event`) and the time, and returns what to do (`Action`s, in order).
/// It reads no clock, file or process state and starts nothing, so every
/// rule below is unit-tested with plain values; `PullScheduler` delivers
/// the events and carries out the actions.
///
/// - One-shot: one check, its jobs, purge, housekeeping, hooks, then exit
///   (2 when the manifest or config was unusable, 1 when a repository
///   failed).
/// - Service: a check at start (ignoring mtimes) and every `refresh`
///   seconds once the previous one's work is out of the queue; a changed
///   config file is reloaded first. Notified repositories are fetched at
///   once, ahead of everything waiting. Housekeeping pauses while the
///   system is overloaded.
/// - At most `threads` jobs and one housekeeping at a time; hooks run once
///   whenever the work goes quiet.
/// - SIGINT/SIGTERM cancel running work, save what finished into the
///   manifest and exit 0; SIGHUP reopens the log file.
/// - The local manifest is written every 100 finished repositories and
///   whenever the queue empties.
/// - systemd's watchdog hears from a service on time.
struct PullEngine {
    let continuous: Bool
    /// Seconds between watchdog pings; nil without a watchdog.
    let watchdogInterval: Double?
    private(set) var settings: Settings

    private var queue = PullQueue()
    /// Finished repositories not yet in the local manifest.
    private var pending: [Record] = []
    private var pass: PullPass?
    private var failures: [Gitdir: String] = [:]
    private var cloned: [Gitdir] = []
    private var finished = 0
    private var checking = false, checkedOnce = false, forceNextCheck: Bool
    private var lastCheck: Double?
    private var workDone = false, hooksRunning = false
    private var unusable = false, interrupted = false
    private var saidPaused = false
    private var deadlines = PullDeadlines()
    /// The question asked last, until it is answered.
    private var awaiting: Question?

    /// `noMtimeCheck`: the first check ignores mtimes (a service's always does).
    init(settings: Settings, continuous: Bool = false, noMtimeCheck: Bool = false, watchdogInterval: Double? = nil) {
        self.settings = settings
        self.continuous = continuous
        self.watchdogInterval = watchdogInterval
        forceNextCheck = continuous || noMtimeCheck
    }

    /// What to do now that `event` happened at `now` (monotonic seconds).
    mutating func handle(_ event: Event, now: Double, probe: Probe) -> [Action] {
        var actions: [Action] = []
        switch event {
        case .started:
            actions.append(.notifySystemd("READY=1"))
            if watchdogInterval != nil { deadlines.watchdog = now }
            startCheck(now: now, into: &actions)
        case .checked(let check):
            checked(check)
        case .finished(let job, let outcome):
            ended(job, outcome, now: now, into: &actions)
        case .housekept(let gitdir):
            queue.finishHousekeeping(gitdir)
        case .hooksDone:
            hooksRunning = false
        case .alarm(let deadline):
            deadlines.alarmWentOff(deadline)
        case .signal(let number):
            guard caught(number, into: &actions) else { return actions }
        case .notified(let jobs):
            for job in jobs { queue.submit(job, urgent: true) }
        case .purged, .checkpointed, .reloaded:
            answered(event, now: now, probe: probe, into: &actions)
            return actions
        case .stopped:
            return farewell()
        }
        advance(from: .retryLocked, now: now, probe: probe, into: &actions)
        return actions
    }

    private mutating func checked(_ check: PullRun.Check) {
        checking = false
        checkedOnce = true
        switch check {
        case .unchanged:
            break
        case .pushesDue(let jobs):
            for job in jobs { queue.submit(job) }
        case .unusable:
            if !continuous { unusable = true }
        case .planned(let planned):
            failures.merge(planned.rejections) { first, _ in first }
            workDone = true
            pass = PullPass(planned)
            for job in planned.jobs { queue.submit(job) }
        }
    }

    private mutating func ended(_ job: PullPlan.Job, _ outcome: RepoJobRunner.Outcome, now: Double, into actions: inout [Action]) {
        switch outcome {
        case .done(let entry, let didClone, let maintenance, let pushFailures):
            record(job, entry, maintenance, into: &actions)
            if didClone { cloned.append(job.gitdir) }
            // A failed push leaves the pass complete: the next check finds
            // the repository behind at its destination and pushes again.
            failures[job.gitdir] = pushFailures.isEmpty ? nil : pushFailures.joined(separator: "; ")
            pass?.ended(job.gitdir, failed: false)
        case .refused(let refusal, let entry, let maintenance, let pushFailures):
            // Updated, but reported (the runner logged why) and planned
            // again by the next pass, not at once.
            record(job, entry, maintenance, into: &actions)
            failures[job.gitdir] = ([refusal] + pushFailures).joined(separator: "; ")
            pass?.ended(job.gitdir, failed: true)
        case .failed(let message):
            queue.finish(job)
            fail(job.gitdir, message, logged: message, into: &actions)
        case .deferred:
            queue.postpone(job, now: now)
        }
    }

    /// The repository was updated: its entry is saved at the next checkpoint.
    private mutating func record(_ job: PullPlan.Job, _ entry: ManifestEntry, _ maintenance: [RepoJobRunner.Maintenance], into actions: inout [Action]) {
        queue.finish(job)
        finished += 1
        workDone = true
        actions.append(.log(.info, "     done: \(job.gitdir)"))
        pending.append(Record(gitdir: job.gitdir, entry: entry))
        if !maintenance.isEmpty { queue.addHousekeeping(job.gitdir, maintenance) }
    }

    private mutating func fail(_ gitdir: Gitdir, _ reason: String, logged: String, into actions: inout [Action]) {
        actions.append(.log(.error, "   failed: \(logged)"))
        failures[gitdir] = reason
        pass?.ended(gitdir, failed: true)
    }

    /// SIGHUP reopens the log; any other signal ends the run. False when it did.
    private mutating func caught(_ number: Int32, into actions: inout [Action]) -> Bool {
        if number == SIGHUP {
            actions += [.reopenLog, .log(.info, "Got SIGHUP: reopened the log file")]
            return true
        }
        actions.append(.log(.info, "Got signal \(number): saving finished work and exiting"))
        interrupted = true
        stop(into: &actions)
        return false
    }

    /// Cancels the work and saves what finished; `.stopped` then says farewell.
    private mutating func stop(into actions: inout [Action]) {
        actions += [.stopWork, .notifySystemd("STOPPING=1")]
        _ = checkpoint(then: .exit, into: &actions)
    }

    /// The last words and the exit status, once the cancelled work has ended.
    private func farewell() -> [Action] {
        if unusable { return [.clearProgress, .exit(.unusable)] }
        if interrupted { return [.clearProgress, .log(.info, "Interrupted: saved the work completed so far."), .exit(.success)] }
        return [.clearProgress] + Self.report(failures) + [.exit(failures.isEmpty ? .success : .someFailed)]
    }

    private static func report(_ failures: [Gitdir: String]) -> [Action] {
        guard !failures.isEmpty else { return [] }
        return [.log(.critical, "\(failures.count) repositories failed:")]
            + failures.keys.sorted().map { .log(.critical, "  \($0): \(failures[$0]!)") }
    }
}

// MARK: - Steps

extension PullEngine {
    /// After every event the engine walks these steps in order, starting
    /// what may start. A step that asks a question (`Question`) stops the
    /// walk; the answer resumes it where it stopped.
    private enum Step: Int {
        case retryLocked, startJobs, endPass, checkpointIfDue, housekeeping, hooksOrExit, nextCheck, reloadConfig, startCheck, timers
    }

    /// How the walk goes on after a step.
    private enum Flow {
        case next
        case jump(Step)
        /// A question was asked (or the run is stopping): wait for the answer.
        case pause
        /// A one-shot run is over.
        case stop
    }

    /// What the question asked last was for.
    private enum Question {
        /// A finished pass's purge: its checkpoint follows.
        case purge(PullPass)
        case checkpoint(then: AfterCheckpoint)
        case reload
    }

    private enum AfterCheckpoint {
        /// Record the pass if complete, then go on checking what is due.
        case endPass(PullPass)
        case resume(Step)
        /// The run is over.
        case exit
    }

    private mutating func advance(from first: Step, now: Double, probe: Probe, into actions: inout [Action]) {
        var step: Step? = first
        while let current = step {
            switch perform(current, now: now, probe: probe, into: &actions) {
            case .next: step = Step(rawValue: current.rawValue + 1)
            case .jump(let target): step = target
            case .pause: step = nil
            case .stop:
                stop(into: &actions)
                step = nil
            }
        }
    }

    private mutating func perform(_ step: Step, now: Double, probe: Probe, into actions: inout [Action]) -> Flow {
        switch step {
        case .retryLocked: retryLocked(now: now, into: &actions)
        case .startJobs:
            while queue.running.count < settings.threads, let job = queue.next(objstoreExists: probe.objstoreExists) {
                actions.append(.startJob(job))
            }
        case .endPass: return endPass(into: &actions)
        case .checkpointIfDue:
            if pending.count >= 100 || (!pending.isEmpty && queue.running.isEmpty && !queue.hasWaiting) {
                return checkpoint(then: .resume(.housekeeping), into: &actions)
            }
        case .housekeeping: startHousekeeping(now: now, probe: probe, into: &actions)
        case .hooksOrExit: return hooksOrExit(into: &actions)
        case .nextCheck: return nextCheck(now: now, into: &actions)
        case .reloadConfig:
            actions.append(.reloadConfig)
            awaiting = .reload
            return .pause
        case .startCheck: startCheck(now: now, into: &actions)
        case .timers: timers(now: now, into: &actions)
        }
        return .next
    }

    /// Jobs put off by another process's lock are tried again a second
    /// later; after `PullQueue.lockPatience` they are reported failed.
    private mutating func retryLocked(now: Double, into actions: inout [Action]) {
        guard queue.hasDeferred else { return }
        if let due = deadlines.retry, now >= due {
            for job in queue.retryDeferred(now: now) {
                let reason = "still locked by another process after 10 minutes"
                fail(job.gitdir, reason, logged: "\(job.gitdir): \(reason)", into: &actions)
            }
            deadlines.retry = nil
        } else if deadlines.retry == nil {
            deadlines.retry = now + 1
        }
    }

    /// Once every job of a pass has ended: purge if asked, save, and record
    /// the pass as complete if it is.
    private mutating func endPass(into actions: inout [Action]) -> Flow {
        guard let done = pass, done.isOver else { return .next }
        pass = nil
        guard settings.purge else { return checkpoint(then: .endPass(done), into: &actions) }
        actions.append(.purge(done.culled, hadRejections: done.hadRejections, busy: queue.busy))
        awaiting = .purge(done)
        return .pause
    }

    /// Writes what finished (and `purged`) into the local manifest, then
    /// goes on as `next` says; straight on when there is nothing to write.
    private mutating func checkpoint(purged: [Gitdir] = [], then next: AfterCheckpoint, into actions: inout [Action]) -> Flow {
        guard pending.isEmpty && purged.isEmpty else {
            actions.append(.checkpoint(pending, purged: purged))
            awaiting = .checkpoint(then: next)
            return .pause
        }
        return afterCheckpoint(next, into: &actions)
    }

    private mutating func afterCheckpoint(_ next: AfterCheckpoint, into actions: inout [Action]) -> Flow {
        switch next {
        case .endPass(let done):
            if done.isComplete && pending.isEmpty {
                actions.append(.refreshProjectsList)
                if let status = done.status { actions.append(.recordCompletedPass(status)) }
            } else if continuous {
                forceNextCheck = true
            }
            if continuous {
                actions += Self.report(failures)
                failures = [:]
            }
            return .jump(.checkpointIfDue)
        case .resume(let step): return .jump(step)
        case .exit: return .pause
        }
    }

    /// Carries on from the question `answer` answers.
    private mutating func answered(_ answer: Event, now: Double, probe: Probe, into actions: inout [Action]) {
        let question = awaiting
        awaiting = nil
        let flow: Flow
        switch (question, answer) {
        case (.purge(let done)?, .purged(let purged)):
            flow = checkpoint(purged: purged, then: .endPass(done), into: &actions)
        case (.checkpoint(let next)?, .checkpointed(let written)):
            if written { pending = [] }
            flow = afterCheckpoint(next, into: &actions)
        case (.reload?, .reloaded(let settings, let changed)):
            self.settings = settings
            if changed { forceNextCheck = true }
            flow = .jump(.startCheck)
        default:
            preconditionFailure("\(answer) does not answer \(String(describing: question))")
        }
        if case .jump(let step) = flow { advance(from: step, now: now, probe: probe, into: &actions) }
    }

    /// One housekeeping at a time, once no job waits for a thread; a
    /// service pauses it for 5 seconds at a time while the system is
    /// overloaded, saying so once.
    private mutating func startHousekeeping(now: Double, probe: Probe, into actions: inout [Action]) {
        guard queue.housekeepingCount > 0, queue.held.isEmpty, !queue.hasWaiting, now >= deadlines.housekeepingResume ?? now else { return }
        deadlines.housekeepingResume = nil
        if continuous && probe.overloaded() {
            if !saidPaused { actions.append(.log(.info, "      spa: paused (system load), \(queue.housekeepingCount) waiting")) }
            saidPaused = true
            deadlines.housekeepingResume = now + 5
        } else if let work = queue.nextHousekeeping() {
            saidPaused = false
            actions.append(.startHousekeeping(work.gitdir, work.actions))
        }
    }

    /// Hooks run once the work goes quiet (a one-shot run also waits for
    /// housekeeping); a one-shot run is then over.
    private mutating func hooksOrExit(into actions: inout [Action]) -> Flow {
        let quiet = queue.isIdle && pass == nil && !checking && checkedOnce && (continuous || queue.housekeepingIsIdle)
        if quiet && workDone && !hooksRunning && !unusable {
            workDone = false
            hooksRunning = true
            actions.append(.runHooks(cloned: cloned))
            cloned = []
        }
        return !continuous && (unusable || (quiet && !hooksRunning && !workDone)) ? .stop : .next
    }

    /// A service checks `refresh` seconds after the last check began, once
    /// that check's work has left the queue: finished work is saved and a
    /// changed config reloaded first.
    private mutating func nextCheck(now: Double, into actions: inout [Action]) -> Flow {
        deadlines.check = nil
        guard continuous && !checking && pass == nil else { return .jump(.timers) }
        let due = lastCheck.map { $0 + settings.refresh } ?? now
        if now >= due && !queue.hasWaiting && !queue.hasDeferred { return checkpoint(then: .resume(.reloadConfig), into: &actions) }
        if due > now { deadlines.check = due }
        return .jump(.timers)
    }

    private mutating func startCheck(now: Double, into actions: inout [Action]) {
        checking = true
        lastCheck = now
        actions.append(.startCheck(force: forceNextCheck))
        forceNextCheck = false
    }

    /// The watchdog ping when due, an alarm for the next deadline, and the
    /// status line.
    private mutating func timers(now: Double, into actions: inout [Action]) {
        if let interval = watchdogInterval, let due = deadlines.watchdog, now >= due {
            actions.append(.notifySystemd("WATCHDOG=1"))
            deadlines.watchdog = now + interval
        }
        if let deadline = deadlines.alarmToSet(now: now) { actions.append(.setAlarm(at: deadline)) }
        actions.append(.showProgress(Progress(done: finished, active: queue.running.count, queued: queue.queuedCount, errors: failures.count)))
    }
}
