import Testing
@testable import GrokKit

@Suite struct PullQueueTests {
    func job(_ gitdir: Gitdir, _ action: PullPlan.Action = .update(fixParams: false, fetch: true), forkgroup: String? = nil,
             notified: Bool = false) -> PullPlan.Job {
        var entry = ManifestEntry()
        entry.fingerprint = notified ? "local" : "remote"
        var job = PullPlan.Job(gitdir: gitdir, entry: entry, action: action)
        job.forkgroup = forkgroup
        job.forceFetch = notified
        return job
    }

    @Test func aBurstForOneRunningRepositoryBecomesOneFollowUp() {
        var queue = PullQueue()
        queue.submit(job("/a.git", notified: true), urgent: true)
        let running = queue.next { _ in true }!
        for _ in 0..<1000 { queue.submit(job("/a.git", notified: true), urgent: true) }
        #expect(queue.next { _ in true } == nil)
        #expect(queue.queuedCount == 1)
        queue.finish(running)
        #expect(queue.next { _ in true }?.gitdir == "/a.git")
        #expect(queue.next { _ in true } == nil)
    }

    @Test func notificationsGoFirstAndMergeWithPlannedJobs() {
        var queue = PullQueue()
        queue.submit(job("/a.git"))
        queue.submit(job("/b.git", .update(fixParams: true, fetch: false)))
        queue.submit(job("/b.git", notified: true), urgent: true)
        #expect(queue.waiting.map(\.gitdir) == ["/b.git", "/a.git"])
        let merged = queue.waiting[0]
        // The planned job's entry, a forced fetch, and its parameter fix kept.
        #expect(merged.entry.fingerprint == "remote")
        #expect(merged.forceFetch)
        #expect(merged.action == .update(fixParams: true, fetch: true))
        // A clone stays a clone.
        queue.submit(job("/c.git", .initialize))
        queue.submit(job("/c.git", notified: true), urgent: true)
        #expect(queue.waiting.first { $0.gitdir == "/c.git" }?.action == .initialize)
    }

    @Test func aForkgroupBeingCreatedRunsAloneThenTheRestInParallel() {
        var queue = PullQueue()
        var stores: Set<String> = []
        for name: Gitdir in ["/f1.git", "/f2.git", "/f3.git"] { queue.submit(job(name, .initialize, forkgroup: "g")) }
        queue.submit(job("/other.git"))
        let first = queue.next { stores.contains($0) }!
        #expect(first.gitdir == "/f1.git")
        #expect(queue.next { stores.contains($0) }?.gitdir == "/other.git")
        #expect(queue.next { stores.contains($0) } == nil)
        stores.insert("g")
        queue.finish(first)
        #expect(queue.next { stores.contains($0) }?.gitdir == "/f2.git")
        #expect(queue.next { stores.contains($0) }?.gitdir == "/f3.git")
    }

    @Test func lockedRepositoriesAreRetriedThenGivenUp() {
        var queue = PullQueue()
        queue.submit(job("/a.git"))
        let first = queue.next { _ in true }!
        queue.postpone(first, now: 100)
        #expect(!queue.isIdle && queue.hasDeferred)
        queue.submit(job("/a.git", notified: true), urgent: true)
        #expect(queue.retryDeferred(now: 101).isEmpty)
        let retried = queue.next { _ in true }!
        #expect(retried.forceFetch, "the notification merged into the deferred job")
        queue.postpone(retried, now: 101)
        let givenUp = queue.retryDeferred(now: 100 + PullQueue.lockPatience + 1)
        #expect(givenUp.map(\.gitdir) == ["/a.git"])
        #expect(queue.isIdle)
    }

    @Test func housekeepingWaitsForFetchesAndHoldsItsRepository() {
        var queue = PullQueue()
        queue.addHousekeeping("/a.git", [.repack])
        queue.addHousekeeping("/a.git", [.repack, .packRefs])
        queue.submit(job("/b.git"))
        #expect(queue.nextHousekeeping() == nil, "a fetch is waiting for a thread")
        let fetch = queue.next { _ in true }!
        let work = queue.nextHousekeeping()!
        #expect(work.gitdir == "/a.git" && work.actions == [.repack, .packRefs])
        queue.submit(job("/a.git"))
        #expect(queue.next { _ in true } == nil, "held by housekeeping")
        #expect(queue.busy == ["/a.git", "/b.git"])
        queue.finishHousekeeping("/a.git")
        queue.finish(fetch)
        #expect(queue.next { _ in true }?.gitdir == "/a.git")
        #expect(queue.housekeepingIsIdle)
    }

    @Test func aJobHeldBackReturnsToItsPlaceInLine() {
        var queue = PullQueue()
        var stores: Set<String> = []
        for name: Gitdir in ["/f1.git", "/f2.git", "/a.git"] { queue.submit(job(name, .initialize, forkgroup: name == "/a.git" ? nil : "g")) }
        let creator = queue.next { stores.contains($0) }!
        #expect(queue.next { stores.contains($0) }?.gitdir == "/a.git", "/f2.git waits for the objstore")
        queue.submit(job("/b.git"))
        queue.submit(job("/x.git", notified: true), urgent: true)
        #expect(queue.waiting.map(\.gitdir) == ["/x.git", "/f2.git", "/b.git"])
        #expect(queue.next { stores.contains($0) }?.gitdir == "/x.git")
        stores.insert("g")
        queue.finish(creator)
        #expect(queue.next { stores.contains($0) }?.gitdir == "/f2.git", "ahead of /b.git, queued after it")
        #expect(queue.next { stores.contains($0) }?.gitdir == "/b.git")
    }

    @Test func aNotificationForAJobHeldBackMovesItFirstOnceItMayStart() {
        var queue = PullQueue()
        queue.submit(job("/f1.git", .initialize, forkgroup: "g"))
        queue.submit(job("/f2.git", .initialize, forkgroup: "g"))
        queue.submit(job("/a.git"))
        let creator = queue.next { _ in false }!
        #expect(queue.next { _ in false }?.gitdir == "/a.git")
        queue.submit(job("/f2.git", notified: true), urgent: true)
        #expect(queue.next { _ in true } == nil, "still held back by the objstore's creation")
        queue.submit(job("/b.git"))
        queue.finish(creator)
        let merged = queue.next { _ in true }!
        #expect(merged.gitdir == "/f2.git" && merged.action == .initialize && merged.forceFetch)
        #expect(queue.next { _ in true }?.gitdir == "/b.git")
    }

    @Test func housekeepingForARunningRepositoryWaitsForItsJobInItsPlace() {
        var queue = PullQueue()
        queue.addHousekeeping("/a.git", [.repack])
        queue.addHousekeeping("/b.git", [.packRefs])
        queue.submit(job("/a.git"))
        let running = queue.next { _ in true }!
        #expect(queue.nextHousekeeping()?.gitdir == "/b.git")
        queue.finishHousekeeping("/b.git")
        #expect(queue.nextHousekeeping() == nil, "/a.git's job runs")
        queue.addHousekeeping("/c.git", [.repack])
        queue.finish(running)
        #expect(queue.nextHousekeeping()?.gitdir == "/a.git", "ahead of /c.git")
    }

    @Test(.timeLimit(.minutes(1))) func aLongLineHeldBackByOneForkgroupDrainsInTime() {
        // While one forkgroup's objstore is created, its 20,000 other clones
        // wait at the front of the line: looking at each of them again for
        // every start behind them was quadratic (minutes in a debug build).
        var queue = PullQueue()
        var stores: Set<String> = []
        for index in 0..<20_000 { queue.submit(job("/fork\(index).git", .initialize, forkgroup: "g")) }
        for index in 0..<20_000 { queue.submit(job("/r\(index).git")) }
        let creator = queue.next { stores.contains($0) }!
        var started = 1
        while let next = queue.next(objstoreExists: { stores.contains($0) }) {
            started += 1
            queue.finish(next)
        }
        #expect(started == 20_001, "the other clones wait for the objstore")
        stores.insert("g")
        queue.finish(creator)
        while let next = queue.next(objstoreExists: { stores.contains($0) }) {
            started += 1
            queue.finish(next)
        }
        #expect(started == 40_000 && queue.isIdle)
    }
}

@Suite struct NotificationInputTests {
    @Test func linesAreSplitAndOverlongOnesDropped() {
        var assembler = LineAssembler(limit: 8)
        #expect(assembler.feed(Array("/a.git\n/b".utf8)) == [.line(Array("/a.git".utf8))])
        #expect(assembler.feed(Array(".git\n".utf8)) == [.line(Array("/b.git".utf8))])
        #expect(assembler.feed(Array("/far-too-long".utf8)) == [.overlong])
        #expect(assembler.feed(Array("-still\n/c\n".utf8)) == [.line(Array("/c".utf8))])
        #expect(assembler.feed(Array("/tail".utf8)) == [])
        #expect(assembler.finish() == [.line(Array("/tail".utf8))])
    }

    @Test func onlyCleanTextNamesARepository() {
        #expect(NotificationSocket.gitdir(from: Array("  /a.git \r".utf8)) == "/a.git")
        #expect(NotificationSocket.gitdir(from: [0xFF, 0xFE]) == nil)
        #expect(NotificationSocket.gitdir(from: Array("/a\u{1B}[31m".utf8)) == nil)
        #expect(NotificationSocket.gitdir(from: []) == "")
    }

    @Test func theInboxCoalescesAndIsBounded() {
        let inbox = NotificationInbox(capacity: 2)
        #expect(inbox.add("/a") == .wake)
        #expect(inbox.add("/a") == .queued)
        #expect(inbox.add("/b") == .queued)
        #expect(inbox.add("/c") == .full)
        #expect(inbox.add("/d") == .dropped)
        #expect(inbox.drain() == ["/a", "/b"])
        #expect(inbox.add("/c") == .wake)
    }

    @Test func systemdWatchdogComesFromTheEnvironment() {
        #expect(SystemdNotifier(environment: [:]).watchdogInterval == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "60000000"]).watchdogInterval == nil, "no notify socket")
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "60000000"])
        #expect(notifier.watchdogInterval == .seconds(30))
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "60000000", "WATCHDOG_PID": "1"]).watchdogInterval == nil)
    }

    @Test func housekeepingPausesOnlyAboveTheCPUCount() {
        #expect(!SystemLoad.isOverloaded(load: 3.9, cpus: 4))
        #expect(SystemLoad.isOverloaded(load: 4.1, cpus: 4))
        #expect(!SystemLoad.isOverloaded(load: nil, cpus: 1))
    }
}
