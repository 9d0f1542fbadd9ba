/// The scheduler's bookkeeping as values, so every rule of who runs when is
/// unit-tested without disk or tasks:
/// - one job per repository at a time; a request for a running repository
///   becomes one follow-up, however many arrive (a burst of push
///   notifications is coalesced);
/// - a clone that creates its forkgroup's objstore runs alone in that
///   forkgroup, the others wait for it and then clone against it;
/// - a repository locked by another process is retried, and reported
///   failed after `lockPatience` seconds;
/// - housekeeping (quick repacks, objstore fetches) holds its repository,
///   runs only while no job waits for a thread, and never on a repository
///   with a running job.
///
/// `package`: bench/queue-bench drives it too.
package struct PullQueue {
    private(set) var waiting: [PullPlan.Job] = []
    /// The gitdirs in `waiting`, so a submit costs no scan of the line
    /// (queueing 200,000 new clones was quadratic: minutes, deaf to SIGTERM).
    private var waitingGitdirs: Set<Gitdir> = []
    /// Running jobs: gitdir → forkgroup.
    private(set) var running: [Gitdir: String?] = [:]
    private var followUps: [Gitdir: PullPlan.Job] = [:]
    private var deferred: [(job: PullPlan.Job, since: Double)] = []
    /// When each repository was first found locked, across retries.
    private var lockedSince: [Gitdir: Double] = [:]
    /// Forkgroups whose objstore a running job is creating.
    private var creating: Set<String> = []
    private var runningInForkgroup: [String: Int] = [:]
    private(set) var housekeeping: [(gitdir: Gitdir, actions: [RepoJobRunner.Maintenance])] = []
    /// Repositories whose housekeeping is running.
    private(set) var held: Set<Gitdir> = []

    static let lockPatience: Double = 600

    package init() {}

    var isIdle: Bool { waiting.isEmpty && running.isEmpty && deferred.isEmpty }
    var hasDeferred: Bool { !deferred.isEmpty }
    var housekeepingIsIdle: Bool { housekeeping.isEmpty && held.isEmpty }
    var queuedCount: Int { waiting.count + deferred.count + followUps.count }
    /// Repositories that must not be deleted or touched right now.
    var busy: Set<Gitdir> { held.union(running.keys) }

    /// Adds a job; `urgent` (a push notification) puts it first. A job for
    /// a repository already waiting, deferred or running is merged with the
    /// request there instead of being queued twice.
    package mutating func submit(_ job: PullPlan.Job, urgent: Bool = false) {
        if running[job.gitdir] != nil {
            followUps[job.gitdir] = followUps[job.gitdir].map { Self.merge($0, job) } ?? job
        } else if let index = deferred.firstIndex(where: { $0.job.gitdir == job.gitdir }) {
            deferred[index].job = Self.merge(deferred[index].job, job)
        } else if waitingGitdirs.contains(job.gitdir), let index = waiting.firstIndex(where: { $0.gitdir == job.gitdir }) {
            let merged = Self.merge(waiting.remove(at: index), job)
            if urgent { waiting.insert(merged, at: 0) } else { waiting.insert(merged, at: index) }
        } else if urgent {
            waiting.insert(job, at: 0)
            waitingGitdirs.insert(job.gitdir)
        } else {
            waiting.append(job)
            waitingGitdirs.insert(job.gitdir)
        }
    }

    /// Two requests for one repository as one job: the planned job (it
    /// carries the origin's entry, forkgroup and the clone or reclone), and
    /// a fetch even when fingerprints look equal if either asked for it.
    static func merge(_ first: PullPlan.Job, _ second: PullPlan.Job) -> PullPlan.Job {
        var merged = !second.forceFetch || first.forceFetch ? second : first
        if first.forceFetch || second.forceFetch {
            merged.forceFetch = true
            if case .update(let fixParams, _) = merged.action { merged.action = .update(fixParams: fixParams, fetch: true) }
        }
        if case .update(let fixFirst, _) = first.action, case .update(let fixSecond, let fetch) = merged.action, fixFirst && !fixSecond {
            merged.action = .update(fixParams: true, fetch: fetch)
        }
        return merged
    }

    /// The first waiting job that may start now, marked running.
    /// `objstoreExists` tells whether a forkgroup's objstore is on disk.
    package mutating func next(objstoreExists: (String) -> Bool) -> PullPlan.Job? {
        for (index, job) in waiting.enumerated() where !held.contains(job.gitdir) && running[job.gitdir] == nil {
            if let forkgroup = job.forkgroup {
                let creates = !objstoreExists(forkgroup)
                if creating.contains(forkgroup) || (creates && runningInForkgroup[forkgroup, default: 0] > 0) { continue }
                if creates { creating.insert(forkgroup) }
                runningInForkgroup[forkgroup, default: 0] += 1
            }
            waiting.remove(at: index)
            waitingGitdirs.remove(job.gitdir)
            running[job.gitdir] = .some(job.forkgroup)
            return job
        }
        return nil
    }

    /// A job ended; a follow-up request for its repository goes first.
    package mutating func finish(_ job: PullPlan.Job) {
        release(job)
        lockedSince[job.gitdir] = nil
        if let followUp = followUps.removeValue(forKey: job.gitdir) { submit(followUp, urgent: true) }
    }

    /// Another process holds the repository: try again later, with any
    /// follow-up folded in.
    mutating func postpone(_ job: PullPlan.Job, now: Double) {
        release(job)
        let since = lockedSince[job.gitdir] ?? now
        lockedSince[job.gitdir] = since
        let request = followUps.removeValue(forKey: job.gitdir).map { Self.merge(job, $0) } ?? job
        deferred.append((request, since))
    }

    private mutating func release(_ job: PullPlan.Job) {
        guard let forkgroup = running.removeValue(forKey: job.gitdir) else { return }
        if let forkgroup {
            runningInForkgroup[forkgroup, default: 1] -= 1
            if runningInForkgroup[forkgroup] == 0 { runningInForkgroup[forkgroup] = nil }
            creating.remove(forkgroup)
        }
    }

    /// Deferred jobs go back in line; those locked for longer than
    /// `lockPatience` are returned as given up.
    mutating func retryDeferred(now: Double) -> [PullPlan.Job] {
        var givenUp: [PullPlan.Job] = []
        for (job, since) in deferred {
            if now - since > Self.lockPatience {
                givenUp.append(job)
                lockedSince[job.gitdir] = nil
            } else {
                waiting.append(job)
                waitingGitdirs.insert(job.gitdir)
            }
        }
        deferred = []
        return givenUp
    }

    package mutating func addHousekeeping(_ gitdir: Gitdir, _ actions: [RepoJobRunner.Maintenance]) {
        if let index = housekeeping.firstIndex(where: { $0.gitdir == gitdir }) {
            housekeeping[index].actions += actions.filter { !housekeeping[index].actions.contains($0) }
        } else {
            housekeeping.append((gitdir, actions))
        }
    }

    /// Housekeeping that may start now, its repository then held; none
    /// while fetch jobs wait for a thread.
    package mutating func nextHousekeeping() -> (gitdir: Gitdir, actions: [RepoJobRunner.Maintenance])? {
        guard waiting.isEmpty, let index = housekeeping.firstIndex(where: { running[$0.gitdir] == nil && !held.contains($0.gitdir) }) else {
            return nil
        }
        let work = housekeeping.remove(at: index)
        held.insert(work.gitdir)
        return work
    }

    package mutating func finishHousekeeping(_ gitdir: Gitdir) { held.remove(gitdir) }
}
