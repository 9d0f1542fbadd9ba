import Glibc
import Testing
import TestSupport
@testable import GrokKit

@Suite struct GitRunnerTests {
    let dir = TemporaryDirectory()

    /// A stand-in for the git binary, as GITBIN allows.
    func fakeGit(_ body: String) throws -> String {
        let path = dir.file("fake-git")
        dir.write("fake-git", "#!/bin/sh\n" + body + "\n")
        try shell("chmod +x '\(path)'")
        return path
    }

    @Test func hungCommandIsKilledAtTheTimeout() async throws {
        // The fake git would sleep five minutes; the bound is generous because
        // the parallel suite can keep the cooperative pool busy for a while.
        let runner = GitRunner(executable: try fakeGit("exec sleep 300"), timeout: .milliseconds(300))
        let started = ContinuousClock.now
        await #expect {
            try await runner.run(gitDir: "/x", ["status"])
        } throws: { error in
            guard case .timedOut = error as? GitError else { return false }
            return true
        }
        #expect(ContinuousClock.now - started < .seconds(120))
    }

    /// Cancelling the task (a stop request) stops a child that ignores
    /// SIGTERM: it gets SIGKILL after the grace period, not the timeout.
    @Test func cancellationKillsAChildThatIgnoresSigterm() async throws {
        let started = dir.file("started")
        let runner = GitRunner(executable: try fakeGit("trap '' TERM\ntouch '\(started)'\nsleep 300"))
        let begun = ContinuousClock.now
        let run = Task { try await runner.run(gitDir: "/x", ["fetch"]) }
        while !FileSystem.exists(started) { try await Task.sleep(for: .milliseconds(20)) }
        run.cancel()
        do {
            _ = try await run.value
            Issue.record("a cancelled run must not succeed")
        } catch {
            #expect("\(error)".hasSuffix("was interrupted"), "\(error)")
        }
        // Seconds here; the behaviour this replaced took 300 s or more. The
        // bound is wide because on a 2-core CI machine other tests' blocking
        // work can starve the task pool this test resumes on for a minute.
        #expect(ContinuousClock.now - begun < .seconds(240))
    }

    /// A child that daemonizes out of its process group keeps the output
    /// pipes open after the group is killed: a cancelled run stops waiting
    /// for them shortly after the grace period.
    @Test func cancellationDoesNotWaitForAnEscapedGrandchild() async throws {
        let started = dir.file("escaped")
        let pidFile = dir.file("escaped.pid")
        let runner = GitRunner(executable: try fakeGit("setsid sh -c 'echo $$ > \(pidFile); exec sleep 300' &\ntouch '\(started)'\nexec sleep 300"))
        let run = Task { try await runner.run(gitDir: "/x", ["fetch"]) }
        while !FileSystem.exists(started) || !FileSystem.exists(pidFile) { try await Task.sleep(for: .milliseconds(20)) }
        let begun = ContinuousClock.now
        run.cancel()
        _ = try? await run.value
        // Seconds here; the behaviour this replaced took 300 s or more. The
        // bound is wide because on a 2-core CI machine other tests' blocking
        // work can starve the task pool this test resumes on for a minute.
        #expect(ContinuousClock.now - begun < .seconds(240), "the run waited for the escaped process's pipes")
        if let pid = FileSystem.readString(pidFile).flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) { kill(pid, SIGKILL) }
    }

    /// A git killed before it could clean up (it ignored SIGTERM) leaves
    /// lock files that would fail every later command: the ones it made are
    /// removed, an older one (someone else's) is not.
    @Test func locksLeftByAStoppedGitAreRemoved() async throws {
        let repo = dir.file("locked.git")
        try shell("""
            git init -q --bare '\(repo)' && mkdir -p '\(repo)/refs/heads/topic'
            touch -d '-1 hour' '\(repo)/config.lock'
            """)
        let started = dir.file("locking")
        let script = "trap '' TERM\ntouch '\(repo)/HEAD.lock' '\(repo)/refs/heads/topic/x.lock' '\(started)'\nsleep 300"
        for stop in ["cancel", "timeout"] {
            try shell("rm -f '\(started)'")
            let runner = GitRunner(executable: try fakeGit(script), timeout: stop == "timeout" ? .seconds(3) : .seconds(3600))
            let run = Task { try await runner.run(gitDir: repo, ["fetch"]) }
            while !FileSystem.exists(started) { try await Task.sleep(for: .milliseconds(20)) }
            if stop == "cancel" { run.cancel() }
            _ = try? await run.value
            #expect(!FileSystem.exists(repo + "/HEAD.lock"), "\(stop)")
            #expect(!FileSystem.exists(repo + "/refs/heads/topic/x.lock"), "\(stop)")
            #expect(FileSystem.exists(repo + "/config.lock"), "\(stop): an older lock is not ours")
        }
    }

    @Test func largeStdoutAndStderrTogetherDoNotDeadlock() async throws {
        let runner = GitRunner(executable: try fakeGit("head -c 5000000 /dev/zero; head -c 5000000 /dev/zero >&2; exit 3"))
        let result = try await runner.run(gitDir: nil, ["whatever"])
        #expect(result.exitCode == 3)
        #expect(result.stdout.count == 5_000_000)
        #expect(result.stderr.count == 5_000_000)
    }

    @Test func passesGitDirAsOneArgumentAndFeedsStdin() async throws {
        let runner = GitRunner(executable: try fakeGit("printf '%s\\n' \"$@\"; cat"))
        let result = try await runner.run(gitDir: "/srv/--upload-pack=evil", ["show-ref"], input: Array("from stdin".utf8))
        #expect(result.output == "--no-pager\n--git-dir=/srv/--upload-pack=evil\nshow-ref\nfrom stdin")
    }

    @Test func realGitWorks() async throws {
        let repo = dir.file("r.git")
        try makeRepository(at: repo)
        let result = try await GitRunner().run(gitDir: repo, ["rev-parse", "--is-bare-repository"])
        #expect(result.succeeded)
        #expect(result.output == "true")
    }

    @Test func missingBinaryIsALaunchError() async {
        let runner = GitRunner(executable: "/nonexistent/git")
        await #expect {
            try await runner.run(gitDir: nil, ["--version"])
        } throws: { error in
            guard case .launchFailed = error as? GitError else { return false }
            return true
        }
    }
}
