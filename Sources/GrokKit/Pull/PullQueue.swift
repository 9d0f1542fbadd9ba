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
/// A repository is in at most one of the waiting line, the running jobs and
/// the deferred ones. Every operation is O(1) or O(log n) (see
/// `WaitingLine`), however many repositories a manifest lists.
///
/// `package`: bench/queue-bench drives it too.
package struct PullQueue {
    private var line = WaitingLine<PullPlan.Job>()
    /// Running jobs: gitdir → forkgroup.
    private(set) var running: [Gitdir: String?] = [:]
    private var followUps: [Gitdir: PullPlan.Job] = [:]
    /// Jobs for repositories another process holds, in the order they were put off.
    private var deferred = WaitingLine<PullPlan.Job>()
    /// When each repository was first found locked, across retries.
    private var lockedSince: [Gitdir: Double] = [:]
    /// Forkgroups whose objstore a running job is creating.
    private var creating: Set<String> = []
    private var runningInForkgroup: [String: Int] = [:]
    private var housekeeping = WaitingLine<[RepoJobRunner.Maintenance]>()
    /// Repositories whose housekeeping is running.
    private(set) var held: Set<Gitdir> = []

    static let lockPatience: Double = 600

    package init() {}

    var isIdle: Bool { line.isEmpty && running.isEmpty && deferred.isEmpty }
    var hasWaiting: Bool { !line.isEmpty }
    var hasDeferred: Bool { !deferred.isEmpty }
    var housekeepingCount: Int { housekeeping.count }
    var housekeepingIsIdle: Bool { housekeeping.isEmpty && held.isEmpty }
    var queuedCount: Int { line.count + deferred.count + followUps.count }
    /// Repositories that must not be deleted or touched right now.
    var busy: Set<Gitdir> { held.union(running.keys) }
    /// The waiting jobs in order. O(n log n): for tests and reports.
    var waiting: [PullPlan.Job] { line.inOrder.map(\.work) }

    /// Adds a job; `urgent` (a push notification) puts it first. A job for
    /// a repository already waiting, deferred or running is merged with the
    /// request there instead of being queued twice.
    package mutating func submit(_ job: PullPlan.Job, urgent: Bool = false) {
        if running[job.gitdir] != nil {
            followUps[job.gitdir] = followUps[job.gitdir].map { Self.merge($0, job) } ?? job
        } else if let queued = deferred[job.gitdir] {
            deferred.put(job.gitdir, Self.merge(queued, job))
        } else {
            line.put(job.gitdir, line[job.gitdir].map { Self.merge($0, job) } ?? job, first: urgent)
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
    /// `objstoreExists` tells whether a forkgroup's objstore is on disk; a
    /// job its forkgroup or housekeeping holds back is not looked at again
    /// until that ends.
    package mutating func next(objstoreExists: (String) -> Bool) -> PullPlan.Job? {
        let (held, creating, runningInForkgroup) = (self.held, self.creating, self.runningInForkgroup)
        var creates = false
        let found = line.popFirst { gitdir, job in
            if held.contains(gitdir) { return .repository(gitdir) }
            guard let forkgroup = job.forkgroup else { return nil }
            creates = !objstoreExists(forkgroup)
            let blocked = creating.contains(forkgroup) || (creates && runningInForkgroup[forkgroup, default: 0] > 0)
            return blocked ? .forkgroup(forkgroup) : nil
        }
        guard let job = found?.work else { return nil }
        if let forkgroup = job.forkgroup {
            if creates { self.creating.insert(forkgroup) }
            self.runningInForkgroup[forkgroup, default: 0] += 1
        }
        running[job.gitdir] = .some(job.forkgroup)
        return job
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
        deferred.put(job.gitdir, request)
    }

    private mutating func release(_ job: PullPlan.Job) {
        guard let forkgroup = running.removeValue(forKey: job.gitdir) else { return }
        freed(job.gitdir)
        if let forkgroup {
            runningInForkgroup[forkgroup, default: 1] -= 1
            if runningInForkgroup[forkgroup] == 0 { runningInForkgroup[forkgroup] = nil }
            creating.remove(forkgroup)
            line.unblock(.forkgroup(forkgroup))
        }
    }

    /// Deferred jobs go back in line; those locked for longer than
    /// `lockPatience` are returned as given up.
    mutating func retryDeferred(now: Double) -> [PullPlan.Job] {
        var givenUp: [PullPlan.Job] = []
        while let (gitdir, job) = deferred.popFirst() {
            if now - (lockedSince[gitdir] ?? now) > Self.lockPatience {
                givenUp.append(job)
                lockedSince[gitdir] = nil
            } else {
                line.put(gitdir, job)
            }
        }
        return givenUp
    }

    package mutating func addHousekeeping(_ gitdir: Gitdir, _ actions: [RepoJobRunner.Maintenance]) {
        let queued = housekeeping[gitdir] ?? []
        housekeeping.put(gitdir, queued + actions.filter { !queued.contains($0) })
    }

    /// Housekeeping that may start now, its repository then held; none
    /// while fetch jobs wait for a thread.
    package mutating func nextHousekeeping() -> (gitdir: Gitdir, actions: [RepoJobRunner.Maintenance])? {
        guard line.isEmpty else { return nil }
        let (running, held) = (self.running, self.held)
        guard let work = housekeeping.popFirst(blockedBy: { gitdir, _ in
            running[gitdir] != nil || held.contains(gitdir) ? .repository(gitdir) : nil
        }) else { return nil }
        self.held.insert(work.gitdir)
        return (work.gitdir, work.work)
    }

    package mutating func finishHousekeeping(_ gitdir: Gitdir) {
        held.remove(gitdir)
        freed(gitdir)
    }

    /// A job or housekeeping left the repository: what waited for it may start.
    private mutating func freed(_ gitdir: Gitdir) {
        line.unblock(.repository(gitdir))
        housekeeping.unblock(.repository(gitdir))
    }
}
