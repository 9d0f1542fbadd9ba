import GrokKit

// bench/queue.sh's workload for `PullQueue`, the scheduler's bookkeeping:
// a first mirror of JOBS new clones (default 30,000), every third one a
// push notification (queued first), every fifth one in one of 1,000
// forkgroups whose objstore its first clone creates; then a notification
// for every tenth repository while it waits (merged into its job). The line
// is drained 8 at a time, oldest first, and every other finished
// repository asks for housekeeping, drained last. Prints seconds per phase.

let count = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 30_000
let threads = 8

func job(_ index: Int, notified: Bool = false) -> PullPlan.Job {
    var job = PullPlan.Job(gitdir: Gitdir("/pub/scm/project\(index / 100)/repo\(index).git"), entry: ManifestEntry(),
                           action: notified ? .update(fixParams: false, fetch: true) : .initialize)
    if !notified && index % 5 == 0 { job.forkgroup = "group\(index % 1000)" }
    job.forceFetch = notified
    return job
}

func seconds(_ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    let elapsed = clock.measure(body).components
    return Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
}

let planned = (0..<count).map { job($0) }
let notifications = stride(from: 0, to: count, by: 10).map { job($0, notified: true) }
var queue = PullQueue()
var started = 0

let submit = seconds {
    for (index, job) in planned.enumerated() { queue.submit(job, urgent: index % 3 == 0) }
    for job in notifications { queue.submit(job, urgent: true) }
}

let drain = seconds {
    var stores: Set<String> = []
    var running: [PullPlan.Job] = []
    var oldest = 0
    while true {
        while running.count - oldest < threads, let next = queue.next(objstoreExists: { stores.contains($0) }) {
            running.append(next)
            started += 1
        }
        guard oldest < running.count else { break }
        let finished = running[oldest]
        oldest += 1
        if let forkgroup = finished.forkgroup { stores.insert(forkgroup) }
        queue.finish(finished)
        if oldest % 2 == 0 { queue.addHousekeeping(finished.gitdir, [.repack]) }
    }
}

var housekept = 0
let housekeeping = seconds {
    while let work = queue.nextHousekeeping() {
        queue.finishHousekeeping(work.gitdir)
        housekept += 1
    }
}

precondition(started == count && housekept == count / 2, "the bench lost work: \(started) started, \(housekept) housekept")
print("jobs=\(count) submit=\(submit) drain=\(drain) housekeeping=\(housekeeping) total=\(submit + drain + housekeeping)")
