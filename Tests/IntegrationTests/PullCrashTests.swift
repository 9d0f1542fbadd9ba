import Foundation
import Testing
import TestSupport
import GrokKit

/// grok-pull killed with SIGKILL at random instants of an initial mirror:
/// a plain rerun, as cron would start it, must finish the job (grokmirror
/// 2.0.12 records the manifest as fetched before the work is done, so the
/// rerun finds it "unchanged" and leaves the mirror incomplete).
@Suite(.serialized) struct PullCrashTests {
    /// Kills during an initial mirror of 30 repositories, each followed by
    /// a plain rerun that must leave the exact mirror: every repository
    /// with the origin's refs, `git fsck` clean, the local manifest and
    /// projects.list complete, and no temp files or moved-aside clones.
    @Test func plainRerunAfterAKillConverges() throws {
        let f = try PullFixture(repos: 30)
        let started = Date()
        #expect(try f.runPull().status == 0)
        let fullRun = Date().timeIntervalSince(started)
        // Listed in the order repositories finished: compared as sets.
        let expectedProjects = Set(try String(contentsOfFile: f.mirror + "/projects.list", encoding: .utf8).split(separator: "\n"))
        var generator = SystemRandomNumberGenerator()
        for round in 1...20 {
            try shell("rm -rf '\(f.mirror)' && mkdir '\(f.mirror)'")
            let delay = Double.random(in: 0.05...max(0.1, fullRun), using: &generator)
            let child = try Spawn.start([f.pull, "-c", f.config])
            usleep(useconds_t(delay * 1_000_000))
            kill(child.pid, SIGKILL)
            _ = Spawn.wait(child, timeout: 30)
            // git runs in process groups of its own and outlives the kill;
            // a cron rerun comes minutes later, when it is long done.
            #expect(Self.waitForProcesses(mentioning: f.mirror), "round \(round): git still running after 30 s")
            let rerun = try f.runPull()
            #expect(rerun.status == 0, "round \(round) (killed after \(delay) s): \(rerun.stderr)")
            try f.expectMirrorEqualsOrigin()
            let problems = try shell("""
                cd '\(f.mirror)'
                find . \\( -name '*.tmp.*' -o -name '*.reclone' \\) -printf 'leftover %p\\n'
                for repo in $(find . -name '*.git' -type d -prune); do
                  git --git-dir="$repo" fsck --no-progress --no-dangling >/dev/null 2>&1 || echo "fsck failed: $repo"
                done
                """)
            #expect(problems.isEmpty, "round \(round) (killed after \(delay) s): \(problems)")
            let local = try loadManifest(f.mirror + "/manifest.js.gz")
            #expect(Set(local.gitdirs) == Set(try loadManifest(f.origin + "/manifest.js.gz").gitdirs), "round \(round)")
            let projects = try String(contentsOfFile: f.mirror + "/projects.list", encoding: .utf8)
            #expect(Set(projects.split(separator: "\n")) == expectedProjects, "round \(round): \(projects)")
        }
    }

    /// A job that failed keeps the manifest from being recorded as done:
    /// once the cause is gone, a plain rerun fetches what was missed.
    @Test func failedJobMakesTheNextRunPlanAgain() throws {
        let f = try PullFixture(repos: 3)
        let blocker = f.mirror + "/pub/project2"
        try shell("mkdir -p '\(f.mirror)/pub' && touch '\(blocker)'")
        let failed = try f.runPull()
        #expect(failed.status == 1, "\(failed.stderr)")
        #expect(!FileSystem.exists(f.mirror + "/pub/project2/repo2.git"))
        unlink(blocker)
        let rerun = try f.runPull()
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(!rerun.stderr.contains("manifest: unchanged"))
        try f.expectMirrorEqualsOrigin()
        #expect(try f.runPull().stderr.contains("manifest: unchanged"), "a complete run is recorded")
    }

    /// The service: a pass with a failed job makes the next refresh check
    /// plan again although the origin's manifest did not change.
    @Test func serviceReplansAfterAFailedPass() throws {
        let f = try PullFixture(repos: 3)
        PullServiceTests.serviceConfig(f, refresh: 1)
        let blocker = f.mirror + "/pub/project2"
        try shell("mkdir -p '\(f.mirror)/pub' && touch '\(blocker)'")
        let daemon = try PullServiceTests.Daemon(f)
        #expect(waitUntil(timeout: 60) { PullServiceTests.log(f).contains("  /pub/project2/repo2.git: ") }, "\(PullServiceTests.log(f))")
        unlink(blocker)
        #expect(waitUntil(timeout: 30) { PullServiceTests.mirrorComplete(f) }, "the failed repository was never planned again")
        let (outcome, _) = daemon.terminate()
        #expect(outcome.status == 0, "\(outcome.stderr.suffix(2000))")
    }

    /// Waits (up to 30 s) until no process has `path` in its command line.
    static func waitForProcesses(mentioning path: String) -> Bool {
        waitUntil(timeout: 30) {
            let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { Int($0) != nil } ?? []
            return !pids.contains { pid in
                guard let bytes = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
                return String(decoding: bytes, as: UTF8.self).contains(path)
            }
        }
    }
}
