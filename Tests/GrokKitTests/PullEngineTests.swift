import Glibc
import Testing
@testable import GrokKit

/// `PullEngine` driven as `PullSession` drives it, with no disk, task or
/// clock: questions are answered at once (checkpoints write unless told
/// otherwise), and the time is whatever the test says.
struct EngineHarness {
    var engine: PullEngine
    var now: Double = 0
    var objstores: Set<String> = []
    var overloaded = false
    var checkpointsWrite = true
    var purged: [Gitdir] = []
    /// The settings a config reload brings; unchanged when nil.
    var reloadedSettings: PullEngine.Settings?
    /// Whether the config file changed when the engine asks to reload it.
    var configChanged = false

    init(threads: Int = 4, refresh: Double = 300, purge: Bool = false, continuous: Bool = false, watchdog: Double? = nil) {
        engine = PullEngine(settings: .init(threads: threads, refresh: refresh, purge: purge), continuous: continuous, watchdogInterval: watchdog)
    }

    /// Delivers `event` at `time` (or the current time) and every answer
    /// the actions ask for; all the actions in order, status lines left out.
    mutating func send(_ event: PullEngine.Event, at time: Double? = nil) -> [PullEngine.Action] {
        if let time { now = time }
        let (stores, busy) = (objstores, overloaded)
        let probe = PullEngine.Probe(objstoreExists: { stores.contains($0) }, overloaded: { busy })
        var all: [PullEngine.Action] = []
        var actions = engine.handle(event, now: now, probe: probe)
        while true {
            all += actions.filter { if case .showProgress = $0 { false } else { true } }
            guard let answer = actions.compactMap(answer(to:)).first else { return all }
            actions = engine.handle(answer, now: now, probe: probe)
        }
    }

    private func answer(to action: PullEngine.Action) -> PullEngine.Event? {
        switch action {
        case .purge: .purged(purged)
        case .checkpoint: .checkpointed(checkpointsWrite)
        case .reloadConfig: .reloaded(reloadedSettings ?? engine.settings, changed: configChanged)
        default: nil
        }
    }

    static func job(_ gitdir: Gitdir, forkgroup: String? = nil) -> PullPlan.Job {
        var job = PullPlan.Job(gitdir: gitdir, entry: ManifestEntry(), action: .update(fixParams: false, fetch: true))
        job.forkgroup = forkgroup
        return job
    }

    static let status = RemoteManifestStatus(source: "https://origin/manifest.js.gz", lastFetched: 1, configLastModified: 2)

    static func planned(_ gitdirs: [Gitdir], rejections: [Gitdir: String] = [:]) -> PullEngine.Event {
        .checked(.planned(PullRun.Pass(culled: PullPlan.Culled(), jobs: gitdirs.map { job($0) }, rejections: rejections, status: status)))
    }

    static func done(_ gitdir: Gitdir, cloned: Bool = false, maintenance: [RepoJobRunner.Maintenance] = []) -> PullEngine.Event {
        .finished(job(gitdir), .done(entry: ManifestEntry(), cloned: cloned, maintenance: maintenance))
    }

    /// The name of a checkpoint of `gitdirs`, purging nothing.
    static func checkpoint(_ gitdirs: some Sequence<Gitdir>) -> String { "checkpoint \(gitdirs.map(\.path)) purged []" }

    static func failed(_ gitdir: Gitdir) -> PullEngine.Event { .finished(job(gitdir), .failed("\(gitdir): no route")) }
}

extension PullEngine.Action {
    /// A short name to compare in assertions.
    var name: String {
        switch self {
        case .startCheck(let force): force ? "check (forced)" : "check"
        case .startJob(let job): "job \(job.gitdir)"
        case .startHousekeeping(let gitdir, let work): "housekeeping \(gitdir) \(work.map(\.rawValue))"
        case .runHooks(let cloned): "hooks \(cloned.map(\.path))"
        case .setAlarm(let deadline): "alarm \(deadline)"
        case .purge(_, let hadRejections, let busy): "purge rejections=\(hadRejections) busy=\(busy.map(\.path).sorted())"
        case .checkpoint(let records, let purged): "checkpoint \(records.map(\.gitdir.path)) purged \(purged.map(\.path))"
        case .reloadConfig: "reload config"
        case .recordCompletedPass: "record pass"
        case .refreshProjectsList: "projects.list"
        case .log(let level, let message): "\(level): \(message)"
        case .reopenLog: "reopen log"
        case .notifySystemd(let state): "systemd \(state)"
        case .showProgress(let progress): progress.description
        case .clearProgress: "clear progress"
        case .stopWork: "stop work"
        case .exit(let status): "exit \(status.rawValue)"
        }
    }
}

extension Array where Element == PullEngine.Action {
    var names: [String] { map(\.name) }
    var jobs: [String] { names.filter { $0.hasPrefix("job ") } }
    var checkpoints: [String] { names.filter { $0.hasPrefix("checkpoint ") } }
    var alarms: [String] { names.filter { $0.hasPrefix("alarm ") } }
}

@Suite struct PullEngineTests {
    typealias H = EngineHarness

    @Test func aOneShotRunChecksFetchesSavesRunsHooksAndExits() {
        var run = H(threads: 1)
        #expect(run.send(.started).names == ["systemd READY=1", "check"])
        #expect(run.send(H.planned(["/a.git", "/b.git"])).jobs == ["job /a.git"])
        #expect(run.send(H.done("/a.git", cloned: true)).names == ["info:      done: /a.git", "job /b.git"])
        #expect(run.send(H.done("/b.git")).names == [
            "info:      done: /b.git", H.checkpoint(["/a.git", "/b.git"]), "projects.list", "record pass", "hooks [\"/a.git\"]",
        ])
        #expect(run.send(.hooksDone).names == ["stop work", "systemd STOPPING=1"])
        #expect(run.send(.stopped).names == ["clear progress", "exit 0"])
    }

    @Test func theExitStatusSaysWhatWentWrong() {
        var unusable = H()
        _ = unusable.send(.started)
        #expect(unusable.send(.checked(.unusable)).names == ["stop work", "systemd STOPPING=1"], "no hooks: nothing was done")
        #expect(unusable.send(.stopped).names == ["clear progress", "exit 2"])

        var failing = H()
        _ = failing.send(.started)
        _ = failing.send(H.planned(["/a.git", "/b.git"]))
        #expect(failing.send(H.failed("/a.git")).names == ["error:    failed: /a.git: no route"])
        let ended = failing.send(H.done("/b.git")).names
        #expect(ended.contains(H.checkpoint(["/b.git"])))
        #expect(!ended.contains("record pass") && !ended.contains("projects.list"), "a pass with a failed job is not complete")
        _ = failing.send(.hooksDone)
        #expect(failing.send(.stopped).names == ["clear progress", "critical: 1 repositories failed:", "critical:   /a.git: /a.git: no route", "exit 1"])
    }

    /// (`PullRun.purge` refuses to purge after rejected entries.)
    @Test func aPassWithRejectedEntriesIsNotRecorded() {
        var run = H(purge: true)
        _ = run.send(.started)
        _ = run.send(H.planned(["/a.git"], rejections: ["/bad.git": "bad name"]))
        let ended = run.send(H.done("/a.git")).names
        #expect(ended.contains("purge rejections=true busy=[]"))
        #expect(ended.contains(H.checkpoint(["/a.git"])))
        #expect(!ended.contains("record pass"))
        _ = run.send(.hooksDone)
        #expect(run.send(.stopped).names.last == "exit 1")
    }

    /// A refused reclone (the repository was fetched instead) is saved like
    /// finished work but counts as failed: exit 1, the pass not recorded.
    @Test func aRefusedRecloneIsSavedButFailsThePass() {
        var run = H()
        _ = run.send(.started)
        _ = run.send(H.planned(["/a.git"]))
        let ended = run.send(.finished(H.job("/a.git"), .refused("Not recloning /a.git: lent", entry: ManifestEntry(), maintenance: []))).names
        #expect(ended.contains(H.checkpoint(["/a.git"])), "the fetched state is saved")
        #expect(!ended.contains("record pass"))
        _ = run.send(.hooksDone)
        #expect(run.send(.stopped).names.last == "exit 1")
    }

    /// A fetched repository whose push failed is saved and its pass
    /// recorded (the manifest's work is done), but the run exits 1 naming
    /// it; the next check finds it behind and pushes without a fetch.
    @Test func aFailedPushIsSavedReportedAndLeavesThePassComplete() {
        var run = H()
        _ = run.send(.started)
        _ = run.send(H.planned(["/a.git"]))
        let ended = run.send(.finished(H.job("/a.git"), .done(entry: ManifestEntry(), cloned: false, maintenance: [],
                                                               pushFailures: ["push to github: failed after 3 tries: timeout"]))).names
        #expect(ended.contains(H.checkpoint(["/a.git"])))
        #expect(ended.contains("record pass"))
        _ = run.send(.hooksDone)
        #expect(run.send(.stopped).names == ["clear progress", "critical: 1 repositories failed:",
                                             "critical:   /a.git: push to github: failed after 3 tries: timeout", "exit 1"])
    }

    /// An unchanged manifest with repositories behind at a destination:
    /// they are pushed (jobs without a pass), saved, and the run ends.
    @Test func pushesDueOnAnUnchangedManifestAreRunWithoutAPass() {
        var run = H(threads: 1)
        _ = run.send(.started)
        var push = H.job("/a.git")
        push.action = .update(fixParams: false, fetch: false)
        #expect(run.send(.checked(.pushesDue([push, H.job("/b.git")]))).jobs == ["job /a.git"])
        #expect(run.send(H.done("/a.git")).jobs == ["job /b.git"])
        let ended = run.send(H.done("/b.git")).names
        #expect(ended.contains(H.checkpoint(["/a.git", "/b.git"])) && !ended.contains("record pass"))
        _ = run.send(.hooksDone)
        #expect(run.send(.stopped).names.last == "exit 0")
    }

    @Test func aPurgeIsSavedWithTheFinishedWorkAndSparesBusyRepositories() {
        var run = H(threads: 2, purge: true)
        run.purged = ["/gone.git"]
        _ = run.send(.started)
        _ = run.send(H.planned(["/a.git"]))
        _ = run.send(.notified([H.job("/b.git")]))
        let ended = run.send(H.done("/a.git")).names
        #expect(ended.contains("purge rejections=false busy=[\"/b.git\"]"))
        #expect(ended.contains("checkpoint [\"/a.git\"] purged [\"/gone.git\"]"))
        #expect(ended.contains("record pass"))
    }

    @Test func aCheckpointThatFailsKeepsTheWorkAndTheRemoteStateForLater() {
        var run = H(continuous: true)
        run.checkpointsWrite = false
        _ = run.send(.started)
        _ = run.send(H.planned(["/a.git"]))
        let ended = run.send(H.done("/a.git"), at: 1).names
        #expect(ended.filter { $0.hasPrefix("checkpoint") }.count == 2, "at the pass's end, and again since the queue is empty")
        #expect(!ended.contains("record pass"))
        run.checkpointsWrite = true
        #expect(run.send(.hooksDone, at: 2).checkpoints == [H.checkpoint(["/a.git"])])
        #expect(run.send(.alarm(300), at: 300).names.contains("check (forced)"), "the unrecorded pass is planned again")
    }

    @Test func aServiceChecksEveryRefreshOnceTheWorkIsOut() {
        var run = H(threads: 1, refresh: 300, continuous: true)
        #expect(run.send(.started).names == ["systemd READY=1", "check (forced)"])
        #expect(run.send(.checked(.unchanged), at: 2).names == ["alarm 300.0"])
        #expect(run.send(.alarm(300), at: 300).names == ["reload config", "check"])
        _ = run.send(H.planned(["/a.git", "/b.git"]), at: 310)
        #expect(run.send(.alarm(600), at: 601).names == [], "no check while the pass's jobs wait")
        _ = run.send(H.done("/a.git"), at: 650)
        let ended = run.send(H.done("/b.git"), at: 700).names
        #expect(ended.suffix(3) == ["hooks []", "reload config", "check"], "overdue: checked at once, after the hooks")
        #expect(run.send(.checked(.unchanged), at: 701).alarms == ["alarm 1000.0"])
    }

    @Test func aServiceReloadsSettingsBeforeACheck() {
        var run = H(threads: 1, refresh: 10, continuous: true)
        _ = run.send(.started)
        _ = run.send(.checked(.unchanged))
        run.reloadedSettings = .init(threads: 2, refresh: 60)
        #expect(run.send(.alarm(10), at: 10).names == ["reload config", "check"])
        #expect(run.send(H.planned(["/a.git", "/b.git"]), at: 11).jobs == ["job /a.git", "job /b.git"])
        _ = run.send(H.done("/a.git"), at: 12)
        #expect(run.send(H.done("/b.git"), at: 13).alarms == ["alarm 70.0"])
    }

    /// A changed config makes the next check ignore mtimes: an edit in the
    /// same second as the last one leaves the `.remote` config stamp equal.
    @Test func aChangedConfigForcesTheNextCheck() {
        var run = H(threads: 1, refresh: 10, continuous: true)
        _ = run.send(.started)
        _ = run.send(.checked(.unchanged))
        #expect(run.send(.alarm(10), at: 10).names == ["reload config", "check"])
        _ = run.send(.checked(.unchanged), at: 11)
        run.configChanged = true
        #expect(run.send(.alarm(20), at: 20).names == ["reload config", "check (forced)"])
    }

    @Test func aRepositoryNotifiedWhileItsJobRunsIsFetchedAgainFirst() {
        var run = H(threads: 1, continuous: true)
        _ = run.send(.started)
        _ = run.send(H.planned(["/a.git", "/b.git"]))
        #expect(run.send(.notified([H.job("/a.git"), H.job("/a.git")])).jobs == [])
        #expect(run.send(H.done("/a.git")).jobs == ["job /a.git"], "ahead of /b.git")
        #expect(run.send(H.done("/a.git")).jobs == ["job /b.git"])
    }

    @Test func hooksRunOnceEachTimeTheWorkGoesQuiet() {
        var run = H(continuous: true)
        _ = run.send(.started)
        _ = run.send(H.planned(["/a.git"]))
        #expect(run.send(H.done("/a.git", cloned: true)).names.filter { $0.hasPrefix("hooks") } == ["hooks [\"/a.git\"]"])
        #expect(!run.send(.alarm(300), at: 1).names.contains { $0.hasPrefix("hooks") }, "still running")
        _ = run.send(.hooksDone, at: 2)
        #expect(!run.send(.alarm(300), at: 3).names.contains { $0.hasPrefix("hooks") }, "nothing new was done")
        _ = run.send(.notified([H.job("/b.git")]), at: 4)
        #expect(run.send(H.done("/b.git"), at: 5).names.contains("hooks []"))
    }

    @Test func finishedWorkIsSavedEvery100RepositoriesAndWhenIdle() {
        var run = H(threads: 200, continuous: true)
        let gitdirs = (0..<150).map { Gitdir("/r\($0).git") }
        _ = run.send(.started)
        _ = run.send(H.planned(gitdirs))
        for gitdir in gitdirs.prefix(99) { #expect(run.send(H.done(gitdir)).checkpoints.isEmpty) }
        #expect(run.send(H.done(gitdirs[99])).checkpoints == [H.checkpoint(gitdirs.prefix(100))])
        for gitdir in gitdirs[100..<149] { #expect(run.send(H.done(gitdir)).checkpoints.isEmpty) }
        #expect(run.send(H.done(gitdirs[149])).checkpoints == [H.checkpoint(gitdirs[100...])])
        // Outside a pass: as soon as nothing runs or waits.
        _ = run.send(.notified([H.job("/x.git"), H.job("/y.git")]))
        #expect(run.send(H.done("/x.git")).checkpoints.isEmpty)
        #expect(run.send(H.done("/y.git")).checkpoints == [H.checkpoint(["/x.git", "/y.git"])])
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aStopSignalSavesTheFinishedWorkAndExitsZero(signal: Int32) {
        var run = H(threads: 2, continuous: true)
        _ = run.send(.started)
        _ = run.send(H.planned(["/a.git", "/b.git", "/c.git"]))
        _ = run.send(H.done("/a.git"))
        #expect(run.send(.signal(signal)).names == [
            "info: Got signal \(signal): saving finished work and exiting", "stop work", "systemd STOPPING=1", H.checkpoint(["/a.git"]),
        ])
        #expect(run.send(.stopped).names == ["clear progress", "info: Interrupted: saved the work completed so far.", "exit 0"])
    }

    @Test func sighupReopensTheLogAndTheRunGoesOn() {
        var run = H(threads: 1)
        _ = run.send(.started)
        _ = run.send(H.planned(["/a.git", "/b.git"]))
        #expect(run.send(.signal(SIGHUP)).names == ["reopen log", "info: Got SIGHUP: reopened the log file"])
        #expect(run.send(H.done("/a.git")).jobs == ["job /b.git"])
    }

    @Test func aLockedRepositoryIsRetriedEverySecondAndGivenUpAfterTenMinutes() {
        var run = H()
        _ = run.send(.started, at: 0)
        _ = run.send(H.planned(["/a.git"]), at: 1)
        let locked = PullEngine.Event.finished(H.job("/a.git"), .deferred)
        #expect(run.send(locked, at: 2).names == ["alarm 3.0"])
        #expect(run.send(.alarm(3), at: 3).jobs == ["job /a.git"])
        #expect(run.send(locked, at: 3.5).alarms == ["alarm 4.5"])
        #expect(run.send(.alarm(4.5), at: 602).jobs == ["job /a.git"], "600 s since it was first found locked: not yet")
        _ = run.send(locked, at: 602.5)
        let givenUp = run.send(.alarm(603.5), at: 603.5).names
        #expect(givenUp.first == "error:    failed: /a.git: still locked by another process after 10 minutes")
        #expect(!givenUp.contains("record pass"))
        #expect(givenUp.last == "hooks []", "the pass's work is over")
        #expect(run.send(.hooksDone).names == ["stop work", "systemd STOPPING=1"])
        #expect(run.send(.stopped).names.last == "exit 1")
    }

    @Test func theWatchdogHearsFromTheServiceOnTime() {
        var run = H(continuous: true, watchdog: 30)
        #expect(run.send(.started, at: 0).names == ["systemd READY=1", "check (forced)", "systemd WATCHDOG=1", "alarm 30.0"])
        #expect(run.send(.checked(.unchanged), at: 1).names == [], "the alarm for the watchdog is already set")
        #expect(run.send(.alarm(30), at: 30).names == ["systemd WATCHDOG=1", "alarm 60.0"])
        #expect(run.send(.signal(SIGHUP), at: 45).names == ["reopen log", "info: Got SIGHUP: reopened the log file"])
        #expect(run.send(.alarm(60), at: 61).names == ["systemd WATCHDOG=1", "alarm 91.0"])
    }

    @Test func housekeepingWaitsForJobsAndPausesUnderLoadInAService() {
        var run = H(threads: 1, continuous: true)
        _ = run.send(.started)
        _ = run.send(H.planned(["/a.git", "/b.git", "/c.git"]))
        #expect(run.send(H.done("/a.git", maintenance: [.repack])).names == ["info:      done: /a.git", "job /b.git"], "/c.git waits for a thread")
        run.overloaded = true
        let paused = run.send(H.done("/b.git", maintenance: [.packRefs]), at: 10).names
        #expect(paused == ["info:      done: /b.git", "job /c.git", "info:       spa: paused (system load), 2 waiting", "alarm 15.0"])
        #expect(run.send(.alarm(15), at: 15).names == ["alarm 20.0"], "said once")
        run.overloaded = false
        #expect(run.send(.alarm(20), at: 20).names == ["housekeeping /a.git [\"repack\"]"])
        #expect(run.send(.housekept("/a.git"), at: 21).names == ["housekeeping /b.git [\"packRefs\"]"])
    }
}
