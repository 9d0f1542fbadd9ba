import Foundation
import Testing
import TestSupport
import GrokKit

/// grok-pull and grok-push pushing to `file://` destinations: what arrives,
/// what pruning may delete, forced updates, deleteprotect, and grok-push's
/// own contract (targets, exit codes, no git process when nothing changed).
@Suite(.serialized) struct PushTests {
    static func refs(_ gitDir: String, _ patterns: String = "refs/") throws -> [String] {
        try shell("git --git-dir='\(gitDir)' for-each-ref --format='%(refname) %(objectname)' \(patterns)")
            .split(separator: "\n").map(String.init)
    }

    static func destination(_ f: PullFixture, name: String = "copy", extra: String = "") -> String {
        "[push.\(name)]\nurl = file://\(f.dir.file(name))/{gitdir}\n\(extra)"
    }

    static let repo1 = "/pub/project1/repo1.git"

    /// A GITBIN that logs each git command line to `log`, then runs git.
    static func countingGit(_ f: PullFixture, log: String) -> String {
        f.dir.write("countgit", "#!/bin/sh\necho \"$*\" >> '\(log)'\nexec git \"$@\"\n")
        chmod(f.dir.file("countgit"), 0o755)
        return f.dir.file("countgit")
    }

    @Test func headsAndTagsArriveExactlyAndNothingElse() throws {
        let f = try PullFixture(repos: 3)
        try shell("""
            g='\(f.origin + Self.repo1)'
            for r in refs/changes/01/1/1 refs/notes/commits refs/meta/config refs/pull/1/head; do git --git-dir="$g" update-ref $r master; done
            """)
        try f.regenerateOriginManifest()
        f.writeConfig(extra: Self.destination(f))
        let run = try f.runPull()
        #expect(run.status == 0, "\(run.stderr)")
        for gitdir in f.originRepos {
            let pushed = try Self.refs(f.dir.file("copy") + gitdir)
            #expect(!pushed.isEmpty, "\(gitdir)")
            #expect(pushed == (try Self.refs(f.mirror + gitdir, "refs/heads/ refs/tags/")), "\(gitdir)")
        }
        #expect(try Self.refs(f.mirror + Self.repo1, "refs/changes/ refs/notes/ refs/meta/").count == 3, "the mirror has them")
        #expect(!FileSystem.exists(f.dir.file("copy") + "/pub/latest.git"), "a symlink entry is no repository to push")
        #expect(try String(contentsOfFile: f.dir.file("pull.log"), encoding: .utf8).contains("push: \(Self.repo1) -> copy"))
    }

    @Test func pruneDeletesOnlyInsideTheRefspecs() throws {
        let f = try PullFixture(repos: 2)
        f.writeConfig(extra: Self.destination(f))
        #expect(try f.runPull().status == 0)
        let copy = f.dir.file("copy") + Self.repo1
        try shell("git --git-dir='\(copy)' update-ref refs/pull/1/head master && git --git-dir='\(f.origin + Self.repo1)' branch -D dev")
        try f.regenerateOriginManifest()
        let run = try f.runPull()
        #expect(run.status == 0, "\(run.stderr)")
        let pushed = try Self.refs(copy).map { $0.split(separator: " ")[0] }
        #expect(pushed == ["refs/heads/master", "refs/pull/1/head", "refs/tags/v1"])
    }

    @Test func forcedUpdatesGoWithForceAndAreReportedAndKeptWithout() throws {
        let f = try PullFixture(repos: 2)
        f.writeConfig(extra: Self.destination(f, name: "forced") + Self.destination(f, name: "careful", extra: "force = no\n"))
        #expect(try f.runPull().status == 0)
        let origin = f.origin + Self.repo1
        let before = try shell("git --git-dir='\(origin)' rev-parse master").trimmingCharacters(in: .whitespacesAndNewlines)
        let rewritten = try shell("""
            c=$(git --git-dir='\(origin)' commit-tree -m rewritten 'master^{tree}')
            git --git-dir='\(origin)' update-ref refs/heads/master "$c"
            git --git-dir='\(origin)' branch feature "$c"
            echo "$c"
            """).trimmingCharacters(in: .whitespacesAndNewlines)
        try f.regenerateOriginManifest()
        for round in 1...2 {
            let run = try f.runPull()
            #expect(run.status == 1, "round \(round): \(run.stderr)")
            #expect(run.stderr.contains("  \(Self.repo1): push to careful: 1 refs rejected: refs/heads/master"), "round \(round): \(run.stderr)")
            #expect(!run.stderr.contains("push to forced"))
        }
        let rev = { (name: String, ref: String) in
            try shell("git --git-dir='\(f.dir.file(name) + Self.repo1)' rev-parse \(ref)").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try rev("forced", "master") == rewritten)
        #expect(try rev("careful", "master") == before, "kept")
        #expect(try rev("careful", "feature") == rewritten, "the other refs still go")
    }

    @Test func deleteprotectStopsAMassDeletionUntilForced() throws {
        let f = try PullFixture(repos: 2)
        let origin = f.origin + Self.repo1
        try shell("for i in 0 1 2 3 4 5 6 7 8 9; do git --git-dir='\(origin)' branch b$i master; done")
        try f.regenerateOriginManifest()
        f.writeConfig(extra: Self.destination(f))
        #expect(try f.runPull().status == 0)
        let copy = f.dir.file("copy") + Self.repo1
        #expect(try Self.refs(copy).count == 13)
        try shell("for i in 0 1 2 3 4 5 6 7; do git --git-dir='\(origin)' branch -D b$i; done")
        try f.regenerateOriginManifest()
        let refused = try f.runPull()
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("would delete 8 of the 13 refs in scope"), "\(refused.stderr)")
        #expect(try Self.refs(copy).count == 13, "nothing deleted")
        #expect(try Self.refs(f.mirror + Self.repo1).count == 5, "the mirror itself follows its origin")
        let again = try runProcess(Tools.ours("grok-push"), ["-c", f.config])
        #expect(again.status == 1, "still refused without --force")
        let forced = try runProcess(Tools.ours("grok-push"), ["-c", f.config, "--force", Self.repo1])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try Self.refs(copy).map { $0.split(separator: " ")[0] } == ["refs/heads/b8", "refs/heads/b9", "refs/heads/dev", "refs/heads/master", "refs/tags/v1"])
        #expect(try f.runPull().status == 0, "pushed, so nothing is behind any more")
    }

    @Test func grokPushCostsNoGitWhenNothingChangedAndExitsAsDocumented() throws {
        let f = try PullFixture(repos: 3)
        f.writeConfig(extra: Self.destination(f))
        #expect(try f.runPull().status == 0)
        let log = f.dir.file("git.log")
        let noop = try runProcess(Tools.ours("grok-push"), ["-c", f.config, "-v"], environment: ["GITBIN": Self.countingGit(f, log: log)])
        #expect(noop.status == 0, "\(noop.stderr)")
        #expect(!FileSystem.exists(log), "git ran: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        let named = try runProcess(Tools.ours("grok-push"), ["-c", f.config, f.mirror + Self.repo1, "/pub/nothing.git"],
                                   environment: ["GITBIN": Self.countingGit(f, log: log)])
        #expect(named.status == 1)
        #expect(named.stderr.contains("/pub/nothing.git"), "\(named.stderr)")
        #expect(!FileSystem.exists(log), "a repository pushed at its state costs no git process")
        f.dir.write("nopush.conf", "[core]\ntoplevel = \(f.mirror)\n")
        let unusable = try runProcess(Tools.ours("grok-push"), ["-c", f.dir.file("nopush.conf")])
        #expect(unusable.status == 2)
        #expect(unusable.stderr.contains("nopush.conf") && unusable.stderr.contains("push."), "\(unusable.stderr)")
    }

    @Test func anOriginPushesItsOwnRepositoriesByPathOrAllThatAreBehind() throws {
        let f = try PullFixture(repos: 3)
        f.dir.write("origin.conf", """
            [core]
            toplevel = \(f.origin)
            manifest = \(f.origin)/manifest.js.gz
            [push.out]
            url = file://\(f.dir.file("out"))/{gitdir}
            """)
        let push = { (arguments: [String]) in try runProcess(Tools.ours("grok-push"), ["-c", f.dir.file("origin.conf")] + arguments) }
        let one = try push([f.origin + Self.repo1])
        #expect(one.status == 0, "\(one.stderr)")
        #expect(try Self.refs(f.dir.file("out") + Self.repo1) == (try Self.refs(f.origin + Self.repo1, "refs/heads/ refs/tags/")))
        #expect(!FileSystem.exists(f.dir.file("out/pub/project2")))
        let all = try push([])
        #expect(all.status == 0, "\(all.stderr)")
        for gitdir in f.originRepos {
            #expect(try Self.refs(f.dir.file("out") + gitdir) == (try Self.refs(f.origin + gitdir, "refs/heads/ refs/tags/")), "\(gitdir)")
        }
    }

    /// `url = …/{name}.git` (the GitHub example) gives /a/linux.git and
    /// /b/linux.git one destination: before, the second silently overwrote
    /// (and pruned) the first's refs there, and both were recorded pushed.
    @Test func twoRepositoriesNeverShareOneDestinationURL() throws {
        let f = try PullFixture(repos: 2)
        try shell("""
            mkdir -p '\(f.origin)/other' && git init -q --bare '\(f.origin)/other/repo1.git'
            git --git-dir='\(f.origin)/other/repo1.git' fetch -q '\(f.origin)/pub/project2/repo2.git' 'refs/heads/*:refs/heads/*'
            git --git-dir='\(f.origin)/other/repo1.git' branch only-other master
            """)
        try f.regenerateOriginManifest()
        f.writeConfig(extra: "[push.hub]\nurl = file://\(f.dir.file("hub"))/{name}.git\n")
        let run = try f.runPull()
        #expect(run.status == 1, "\(run.stderr)")
        // Whichever was pushed first keeps the URL; the other is refused.
        let (kept, refused) = run.stderr.contains("  /other/repo1.git: push to hub:") ? (Self.repo1, "/other/repo1.git") : ("/other/repo1.git", Self.repo1)
        #expect(run.stderr.contains("  \(refused): push to hub:") && run.stderr.contains("is also where \(kept) is pushed"), "\(run.stderr)")
        #expect(try Self.refs(f.dir.file("hub/repo1.git")) == (try Self.refs(f.mirror + kept, "refs/heads/ refs/tags/")))
        let again = try runProcess(Tools.ours("grok-push"), ["-c", f.config])
        #expect(again.status == 1 && again.stderr.contains("  \(refused): push to hub:"), "a later run refuses it again: \(again.stderr)")
        #expect(try Self.refs(f.dir.file("hub/repo1.git")) == (try Self.refs(f.mirror + kept, "refs/heads/ refs/tags/")))
    }

    /// A repository named through a symlinked directory is another one:
    /// before, `grok-push toplevel/link/secret.git` pushed a repository
    /// outside toplevel (or a core.private one under a public name) and
    /// wrote its lock file there.
    @Test func grokPushRefusesARepositoryReachedThroughASymlinkedDirectory() throws {
        let f = try PullFixture(repos: 2)
        try shell("""
            mkdir -p '\(f.dir.file("outside"))' '\(f.origin)/private'
            git clone -q --bare '\(f.origin + Self.repo1)' '\(f.dir.file("outside"))/secret.git'
            git clone -q --bare '\(f.origin + Self.repo1)' '\(f.origin)/private/hidden.git'
            ln -s '\(f.dir.file("outside"))' '\(f.origin)/link'
            ln -s private '\(f.origin)/alias'
            """)
        f.dir.write("origin.conf", """
            [core]
            toplevel = \(f.origin)
            manifest = \(f.origin)/manifest.js.gz
            private = /private/*
            [push.out]
            url = file://\(f.dir.file("out"))/{gitdir}
            """)
        let run = try runProcess(Tools.ours("grok-push"), ["-c", f.dir.file("origin.conf"), f.origin + "/link/secret.git", "/alias/hidden.git"])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("/link/secret.git") && run.stderr.contains("/alias/hidden.git") && run.stderr.contains("symlinked"), "\(run.stderr)")
        #expect(!FileSystem.exists(f.dir.file("out")), "nothing pushed")
        #expect(try shell("ls -A '\(f.dir.file("outside"))'") == "secret.git\n", "no lock written outside toplevel")
    }

    @Test func anEmptiedRepositoryNeverEmptiesItsDestination() throws {
        let f = try PullFixture(repos: 2)
        try shell("git init -q --bare '\(f.origin)/pub/empty.git'")
        try f.regenerateOriginManifest()
        f.writeConfig(extra: Self.destination(f))
        let first = try f.runPull()
        #expect(first.status == 0, "an empty repository is no failure: \(first.stderr)")
        let copy = f.dir.file("copy") + Self.repo1
        #expect(try Self.refs(copy).count == 3)
        // Refs lost on this side (a damaged repository, an accident): a
        // push would prune everything at the destination.
        try shell("git --git-dir='\(f.mirror + Self.repo1)' for-each-ref --format='delete %(refname)' | git --git-dir='\(f.mirror + Self.repo1)' update-ref --stdin")
        let emptied = try runProcess(Tools.ours("grok-push"), ["-c", f.config, Self.repo1])
        #expect(emptied.status == 0, "\(emptied.stderr)")
        #expect(try Self.refs(copy).count == 3, "the destination keeps what it had")
        #expect(try String(contentsOfFile: f.dir.file("pull.log"), encoding: .utf8).contains("\(Self.repo1) -> copy: no refs in scope, nothing to push"))
    }

    @Test func grokPushStoppedBySIGTERMExitsCleanlyAndTheNextRunPushes() throws {
        let f = try PullFixture(repos: 2)
        f.dir.write("push.conf", "[core]\ntoplevel = \(f.origin)\nmanifest = \(f.origin)/manifest.js.gz\n" + Self.destination(f))
        let marker = f.dir.file("pushing")
        f.dir.write("slowgit", """
            #!/bin/sh
            case " $* " in *" push "*) touch '\(marker)'; sleep 60;; esac
            exec git "$@"
            """)
        chmod(f.dir.file("slowgit"), 0o755)
        let child = try Spawn.start([Tools.ours("grok-push"), "-c", f.dir.file("push.conf"), "-v", Self.repo1],
                                    environment: ["GITBIN": f.dir.file("slowgit")])
        for _ in 0..<200 where !FileSystem.exists(marker) { usleep(50_000) }
        #expect(FileSystem.exists(marker), "the push started")
        let started = Date()
        kill(child.pid, SIGTERM)
        let stopped = Spawn.wait(child, timeout: 20)
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(stopped.stderr.contains("Interrupted"), "\(stopped.stderr)")
        #expect(!((try? String(contentsOfFile: f.origin + "/.manifest.js.gz.push", encoding: .utf8)) ?? "").contains(Self.repo1))
        let next = try runProcess(Tools.ours("grok-push"), ["-c", f.dir.file("push.conf")])
        #expect(next.status == 0, "\(next.stderr)")
        #expect(try Self.refs(f.dir.file("copy") + Self.repo1) == (try Self.refs(f.origin + Self.repo1, "refs/heads/ refs/tags/")))
    }

    @Test func aDestinationThatKeepsFailingIsPausedNotHammered() throws {
        let f = try PullFixture(repos: 6)
        let port = try OriginServer.freePort()
        f.dir.write("push.conf", """
            [core]
            toplevel = \(f.origin)
            manifest = \(f.origin)/manifest.js.gz
            [pull]
            pull_threads = 1
            [push.down]
            url = http://127.0.0.1:\(port)/git/{gitdir}
            retries = 2
            """)
        let log = f.dir.file("git.log")
        let run = try runProcess(Tools.ours("grok-push"), ["-c", f.dir.file("push.conf"), "-v"], environment: ["GITBIN": Self.countingGit(f, log: log)])
        #expect(run.status == 1)
        #expect(run.stderr.contains("down failed for 3 repositories in a row: pausing pushes to it for 60 seconds"), "\(run.stderr)")
        #expect(run.stderr.contains("6 repositories failed"), "\(run.stderr)")
        #expect(run.stderr.components(separatedBy: "skipped, the destination keeps failing").count - 1 == 3, "\(run.stderr)")
        let pushes = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").filter { $0.contains(" push ") }
        #expect(pushes.count == 6, "3 repositories, 2 tries each: \(pushes)")
    }
}
