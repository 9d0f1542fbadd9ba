import Foundation
import Testing
import TestSupport
import GrokKit

/// grok-pull pushing on to a `[push.local]` file:// destination: in the
/// service on a socket notification, stopped by SIGTERM in the middle of a
/// push, killed between a fetch and its push, and with the destination
/// down for a while. A `GITBIN` wrapper script delays or kills at the push.
@Suite(.serialized) struct PushServiceTests {
    static let gitdir = "/pub/project1/repo1.git"

    static func destination(_ f: PullFixture) -> String { f.dir.file("dest") }

    /// A `[push.local]` section pushing to `dest/{gitdir}`; `extra` goes in it.
    static func pushSection(_ f: PullFixture, extra: String = "") -> String {
        "[push.local]\nurl = file://\(destination(f))/{gitdir}\n" + extra
    }

    /// The branches and tags of a repository, nil when there is none.
    static func refs(_ gitDir: String) -> String? {
        guard BareRepository.isBare(gitDir) else { return nil }
        return try? shell("git --git-dir='\(gitDir)' for-each-ref --format='%(objectname) %(refname)' refs/heads refs/tags")
    }

    /// The destination holds the origin's branches and tags of `gitdir`.
    static func pushed(_ f: PullFixture, _ gitdir: String) -> Bool {
        guard let wanted = refs(f.origin + gitdir), !wanted.isEmpty else { return false }
        return refs(destination(f) + gitdir) == wanted
    }

    static func allPushed(_ f: PullFixture) -> Bool {
        f.originRepos.allSatisfy { pushed(f, $0) }
    }

    static func stateFile(_ f: PullFixture) -> String {
        PushStateStore.path(forLocalManifest: f.mirror + "/manifest.js.gz")
    }

    static func contents(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// A `GITBIN` that runs `action` (shell) before a `git push`, then the real git.
    static func gitWrapper(_ f: PullFixture, action: String) throws -> String {
        let path = f.dir.file("git-wrapper.sh")
        f.dir.write("git-wrapper.sh", """
            #!/bin/bash
            for arg in "$@"; do
              if [ "$arg" = push ]; then
                \(action)
                break
              fi
            done
            exec git "$@"
            """)
        try shell("chmod +x '\(path)'")
        return path
    }

    /// A notification pushes at once: the refresh period (300 s) is not waited for.
    @Test func notificationPushesWithoutWaitingForTheRefresh() throws {
        let f = try PullFixture(repos: 3)
        PullServiceTests.serviceConfig(f, refresh: 300, extra: Self.pushSection(f))
        let daemon = try PullServiceTests.Daemon(f)
        #expect(waitUntil(timeout: 60) { Self.allPushed(f) }, "initial sync pushed: \(PullServiceTests.log(f).suffix(2000))")

        try PullServiceTests.commit(f.origin + Self.gitdir, "to be pushed on")
        #expect(!Self.pushed(f, Self.gitdir))
        let notified = Date()
        try UnixSocketClient.notify(f.dir.file("pull.sock"), [Self.gitdir])
        #expect(waitUntil(timeout: 5) { Self.pushed(f, Self.gitdir) }, "notification pushed \(Self.gitdir): \(PullServiceTests.log(f).suffix(2000))")
        let seconds = Date().timeIntervalSince(notified)
        #expect(seconds < 5, "took \(seconds) s")
        #expect(PullServiceTests.fetchCount(f, Self.gitdir) == 2, "one clone, one fetch")
        let (outcome, _) = daemon.terminate()
        #expect(outcome.status == 0, "\(outcome.stderr.suffix(2000))")
        print("notification to destination: \(Int(seconds * 1000)) ms")
    }

    /// SIGTERM while `git push` runs: the daemon exits 0 within seconds and
    /// says the push was interrupted, the push state records nothing, and
    /// the next one-shot run pushes it.
    @Test func sigtermDuringAPushExitsCleanly() throws {
        let f = try PullFixture(repos: 3)
        PullServiceTests.serviceConfig(f, refresh: 300, extra: Self.pushSection(f))
        let first = try f.runPull()
        #expect(first.status == 0, "\(first.stderr.suffix(2000))")
        #expect(Self.allPushed(f))
        let marker = f.dir.file("pushing")
        let wrapper = try Self.gitWrapper(f, action: "touch '\(marker)'; sleep 60")
        let daemon = PullServiceTests.Daemon(try Spawn.start([f.pull, "-c", f.config, "-v", "-o"], environment: ["GITBIN": wrapper]))
        #expect(waitUntil(timeout: 30) { PullServiceTests.log(f).contains(" listener: listening on socket ") })

        let state = Self.contents(Self.stateFile(f))
        try PullServiceTests.commit(f.origin + Self.gitdir, "interrupted push")
        try UnixSocketClient.notify(f.dir.file("pull.sock"), [Self.gitdir])
        #expect(waitUntil(timeout: 30) { FileSystem.exists(marker) }, "the push started: \(PullServiceTests.log(f).suffix(2000))")
        #expect(PullServiceTests.mirrorMatches(f, Self.gitdir), "fetched before the push")
        usleep(300_000)
        let (outcome, seconds) = daemon.terminate()
        #expect(outcome.status == 0, "\(outcome.stderr.suffix(2000))")
        #expect(seconds < 10, "took \(seconds) s")
        let log = PullServiceTests.log(f)
        #expect(log.contains("     push: \(Self.gitdir) -> local: interrupted"), "\(log.suffix(2000))")
        #expect(Self.contents(Self.stateFile(f)) == state, "nothing recorded for the interrupted push")
        // The fetch before it finished: the local manifest says so, or
        // nothing would ever find the destination behind.
        let saved = try loadManifest(f.mirror + "/manifest.js.gz")[Gitdir(Self.gitdir)]?.fingerprint
        #expect(saved == (try referenceFingerprint(f.mirror + Self.gitdir)), "the fetched state is recorded")
        #expect(!Self.pushed(f, Self.gitdir))

        let rerun = try f.runPull()
        #expect(rerun.status == 0, "\(rerun.stderr.suffix(2000))")
        #expect(Self.pushed(f, Self.gitdir), "the next run pushed it: \(rerun.stderr.suffix(2000))")
        #expect(Self.allPushed(f))
    }

    /// grok-pull killed (SIGKILL) after the fetch, as its push starts: the
    /// next run pushes without fetching again.
    @Test func killBetweenFetchAndPushIsPushedByTheNextRun() throws {
        let f = try PullFixture(repos: 3)
        f.writeConfig(extra: Self.pushSection(f))
        let first = try f.runPull()
        #expect(first.status == 0, "\(first.stderr.suffix(2000))")
        #expect(Self.allPushed(f))

        try PullServiceTests.commit(f.origin + Self.gitdir, "killed before its push")
        try f.regenerateOriginManifest()
        // The wrapper's parent is grok-pull itself.
        let wrapper = try Self.gitWrapper(f, action: "kill -9 $PPID; exit 1")
        let killed = try f.runPull(environment: ["GITBIN": wrapper])
        #expect(killed.status == 128 + SIGKILL, "\(killed.stderr.suffix(2000))")
        #expect(PullServiceTests.mirrorMatches(f, Self.gitdir), "fetched before the kill")
        #expect(!Self.pushed(f, Self.gitdir))
        #expect(PushServiceTests.refs(f.origin + Self.gitdir) != PushServiceTests.refs(Self.destination(f) + Self.gitdir))

        let logged = PullServiceTests.log(f).count
        let rerun = try f.runPull()
        #expect(rerun.status == 0, "\(rerun.stderr.suffix(2000))")
        #expect(Self.refs(Self.destination(f) + Self.gitdir) == Self.refs(f.mirror + Self.gitdir), "the next run pushed it")
        #expect(Self.allPushed(f))
        let log = String(PullServiceTests.log(f).dropFirst(logged))
        #expect(!log.contains("    fetch: \(Self.gitdir)"), "fetched again: \(log)")
        #expect(log.contains("     push: \(Self.gitdir) -> local"), "\(log)")
    }

    /// A destination that fails (its parent path is a file; one try per
    /// push): once it works, a later manifest check pushes everything,
    /// a notified update included, without fetching again.
    @Test func destinationDownIsPushedByALaterCheckWithoutAFetch() throws {
        let f = try PullFixture(repos: 3)
        f.dir.write("dest", "not a directory")
        PullServiceTests.serviceConfig(f, refresh: 2, extra: Self.pushSection(f, extra: "retries = 1\n"))
        let daemon = try PullServiceTests.Daemon(f)
        #expect(waitUntil(timeout: 60) { PullServiceTests.mirrorComplete(f) })
        #expect(waitUntil(timeout: 30) { PullServiceTests.log(f).contains("     push: \(Self.gitdir) -> local: cannot create ") },
                "\(PullServiceTests.log(f).suffix(2000))")

        // An update while the destination is down: fetched, not pushed.
        try PullServiceTests.commit(f.origin + Self.gitdir, "while the destination is down")
        try UnixSocketClient.notify(f.dir.file("pull.sock"), [Self.gitdir])
        #expect(waitUntil(timeout: 10) { PullServiceTests.mirrorMatches(f, Self.gitdir) })
        let fetches = f.originRepos.map { PullServiceTests.fetchCount(f, $0) }
        #expect(PullServiceTests.fetchCount(f, Self.gitdir) == 2)
        #expect(!FileSystem.exists(Self.destination(f) + "/pub"))

        let logged = PullServiceTests.log(f).count
        unlink(Self.destination(f))
        // Three repositories failing in a row paused the destination, for
        // 2 s (the refresh) doubling while it stays down.
        #expect(waitUntil(timeout: 10) { PullServiceTests.log(f).contains("local failed for 3 repositories in a row: pausing pushes to it for 2 seconds") })
        #expect(waitUntil(timeout: 60) { Self.allPushed(f) }, "pushed once the destination works: \(PullServiceTests.log(f).suffix(3000))")
        #expect(f.originRepos.map { PullServiceTests.fetchCount(f, $0) } == fetches, "no fetch for the pushes")
        let log = String(PullServiceTests.log(f).dropFirst(logged))
        #expect(log.contains(" repositories behind at a push destination"), "pushed by a manifest check: \(log)")
        usleep(2_500_000)
        #expect(f.originRepos.map { PullServiceTests.fetchCount(f, $0) } == fetches, "no fetch for the pushes")
        let (outcome, _) = daemon.terminate()
        #expect(outcome.status == 0, "\(outcome.stderr.suffix(2000))")
        #expect(Self.allPushed(f))
    }
}
