import Foundation
import Testing
import TestSupport
import GrokKit

/// grok-dumb-pull against real git: origins and clones with several
/// remotes, -r globs, pruning, the hook, locks, failures, -j, the polling
/// loop, [push.*] destinations, objstore borrowers, git-svn, hostile
/// arguments, and the reference grokmirror on identical copies.
@Suite(.serialized) struct DumbPullTests {
    let dir = TemporaryDirectory()

    // MARK: Fixture

    var tool: String { Tools.ours("grok-dumb-pull") }

    @discardableResult
    func dumbPull(_ arguments: [String], timeout: Double = 120, environment: [String: String] = [:]) throws -> ProcessOutcome {
        try runProcess(tool, arguments, timeout: timeout, environment: environment)
    }

    /// An origin at `origin/<name>.git` (master, dev, tag v1).
    @discardableResult
    func origin(_ name: String) throws -> String {
        let path = dir.file("origin/\(name).git")
        try makeRepository(at: path, commits: 2)
        return path
    }

    /// An empty bare repository at `path` with the named remotes, each
    /// fetching heads to `refs/remotes/<name>/` (and tags).
    @discardableResult
    func clone(_ path: String, remotes: [(String, String)]) throws -> String {
        var script = "git init -q --bare '\(path)'\n"
        for (name, url) in remotes {
            script += "git --git-dir='\(path)' config remote.'\(name)'.url '\(url)'\n"
            script += "git --git-dir='\(path)' config remote.'\(name)'.fetch '+refs/heads/*:refs/remotes/\(name)/*'\n"
        }
        try shell(script)
        return path
    }

    func refs(_ gitDir: String) throws -> [String] {
        try shell("git --git-dir='\(gitDir)' for-each-ref --format='%(refname) %(objectname)'").split(separator: "\n").map(String.init)
    }

    func rev(_ gitDir: String, _ ref: String) throws -> String {
        try shell("git --git-dir='\(gitDir)' rev-parse '\(ref)'").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A new commit on master of the bare repository `origin`; its id.
    @discardableResult
    func commit(_ origin: String, _ message: String = "new") throws -> String {
        try shell("""
            c=$(git --git-dir='\(origin)' commit-tree -p master -m '\(message)' 'master^{tree}')
            git --git-dir='\(origin)' update-ref refs/heads/master "$c"
            echo "$c"
            """).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A hook appending its arguments to `log`, one line per call.
    func hook(log: String) -> String {
        dir.write("hook.sh", "#!/bin/sh\necho \"$@\" >> '\(log)'\n")
        chmod(dir.file("hook.sh"), 0o755)
        return dir.file("hook.sh")
    }

    func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func waitUntil(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(100_000)
        }
        return try condition()
    }

    // MARK: Fetching

    @Test func everyRemoteIsFetchedAndADeletedBranchPruned() throws {
        let a = try origin("a"), b = try origin("b")
        let repo = try clone(dir.file("mirror/x.git"), remotes: [("origin", a), ("upstream", b)])
        let run = try dumbPull(["-v", dir.file("mirror")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try rev(repo, "refs/remotes/origin/dev") == (try rev(a, "dev")))
        #expect(try rev(repo, "refs/remotes/upstream/master") == (try rev(b, "master")))
        #expect(try refs(repo).contains { $0.hasPrefix("refs/tags/v1 ") }, "tags follow")
        #expect(run.stderr.contains("Updating remote origin in \(repo)") && run.stderr.contains("Updating remote upstream in \(repo)"))
        try shell("git --git-dir='\(a)' branch -D dev")
        #expect(try dumbPull([repo]).status == 0)
        let after = try refs(repo).map { String($0.split(separator: " ")[0]) }
        #expect(!after.contains("refs/remotes/origin/dev"), "pruned")
        #expect(after.contains("refs/remotes/upstream/dev"), "the other remote keeps its branch")
    }

    @Test func remoteGlobsSelectWhatIsFetched() throws {
        let a = try origin("a"), b = try origin("b")
        let repo = try clone(dir.file("mirror/x.git"), remotes: [("origin", a), ("up-1", b), ("up-2", b)])
        let run = try dumbPull(["-v", "-r", "up-?", "-r", "none*", repo])
        #expect(run.status == 0, "\(run.stderr)")
        let names = try refs(repo).map { String($0.split(separator: " ")[0]) }
        #expect(names.contains("refs/remotes/up-1/master") && names.contains("refs/remotes/up-2/master"))
        #expect(!names.contains { $0.hasPrefix("refs/remotes/origin/") })
        #expect(run.stderr.contains("Could not find any remotes matching none* in \(repo)"))
    }

    @Test func theHookRunsWithTheGitdirOnlyWhenRefsChanged() throws {
        let a = try origin("a")
        let one = try clone(dir.file("mirror/one.git"), remotes: [("origin", a)])
        let two = try clone(dir.file("mirror/sub/two.git"), remotes: [("origin", a)])
        let log = dir.file("hook.log")
        let hook = hook(log: log)
        #expect(try dumbPull(["-u", hook, dir.file("mirror")]).status == 0)
        #expect(lines(log).sorted() == [one, two].sorted())
        #expect(try dumbPull(["-u", hook, dir.file("mirror")]).status == 0)
        #expect(lines(log).count == 2, "nothing changed, no hook")
        try commit(a)
        #expect(try dumbPull(["-u", hook, one]).status == 0)
        #expect(lines(log).count == 3 && lines(log).last == one)
    }

    @Test func aLockedRepositoryIsSkippedAndLogged() throws {
        let a = try origin("a")
        let locked = try clone(dir.file("mirror/locked.git"), remotes: [("origin", a)])
        let free = try clone(dir.file("mirror/free.git"), remotes: [("origin", a)])
        // grokmirror's lock: lockf on .<name>.lock beside the repository.
        let holder = try Spawn.start(["/usr/bin/python3", "-c", """
            import fcntl, sys, time
            f = open(sys.argv[1], 'w'); fcntl.lockf(f, fcntl.LOCK_EX); open(sys.argv[2], 'w').close(); time.sleep(120)
            """, dir.file("mirror/.locked.git.lock"), dir.file("held")])
        defer {
            kill(holder.pid, SIGKILL)
            _ = Spawn.wait(holder, timeout: 10)
        }
        #expect(waitUntil(20) { FileManager.default.fileExists(atPath: dir.file("held")) })
        let run = try dumbPull(["-v", dir.file("mirror")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("Could not obtain exclusive lock on \(locked)"))
        #expect(try refs(locked).isEmpty, "not fetched")
        #expect(try !refs(free).isEmpty)
    }

    @Test func aFailingRemoteExitsOneWhileTheOthersAreFetched() throws {
        let a = try origin("a")
        let broken = try clone(dir.file("mirror/broken.git"), remotes: [("gone", dir.file("origin/missing.git")), ("origin", a)])
        let fine = try clone(dir.file("mirror/fine.git"), remotes: [("origin", a)])
        let run = try dumbPull([dir.file("mirror")])
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(broken): fetch gone:"), "\(run.stderr)")
        #expect(!run.stderr.contains(fine))
        #expect(try rev(broken, "refs/remotes/origin/master") == (try rev(a, "master")), "the other remote of the same repository")
        #expect(try rev(fine, "refs/remotes/origin/master") == (try rev(a, "master")))
    }

    @Test func jobsFetchRepositoriesInParallelUpToTheLimit() throws {
        let a = try origin("a")
        for index in 1...6 { try clone(dir.file("mirror/r\(index).git"), remotes: [("origin", a)]) }
        // A git that stamps each fetch's start and end around a pause.
        let stamps = dir.file("stamps")
        dir.write("git.sh", """
            #!/bin/bash
            case " $* " in *" fetch "*) echo "start $(date +%s%N)" >> '\(stamps)'; sleep 0.5; git "$@"; rc=$?; echo "end $(date +%s%N)" >> '\(stamps)'; exit $rc;; esac
            exec git "$@"
            """)
        chmod(dir.file("git.sh"), 0o755)
        let run = try dumbPull(["-j", "3", dir.file("mirror")], environment: ["GITBIN": dir.file("git.sh")])
        #expect(run.status == 0, "\(run.stderr)")
        var running = 0, most = 0
        let events = lines(stamps).map { $0.split(separator: " ") }.sorted { Int($0[1])! < Int($1[1])! }
        for event in events {
            running += event[0] == "start" ? 1 : -1
            most = max(most, running)
        }
        #expect(events.count == 12)
        #expect(most == 3, "at most -j fetches at once, and that many")
    }

    @Test func pollingPicksUpANewCommitAndSIGTERMExitsZero() throws {
        let a = try origin("a")
        let repo = try clone(dir.file("mirror/x.git"), remotes: [("origin", a)])
        let log = dir.file("hook.log")
        let child = try Spawn.start([tool, "-o", "--refresh", "1", "-u", hook(log: log), dir.file("mirror")])
        var status: Int32 = 0
        defer { if !Spawn.hasExited(child, status: &status) { kill(-child.pid, SIGKILL); _ = Spawn.wait(child, timeout: 10) } }
        #expect(waitUntil(30) { lines(log).count == 1 })
        let new = try commit(a)
        #expect(waitUntil(30) { (try? rev(repo, "refs/remotes/origin/master")) == new }, "a later pass fetched it")
        #expect(waitUntil(10) { lines(log).count == 2 })
        kill(child.pid, SIGTERM)
        let outcome = Spawn.wait(child, timeout: 30)
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }

    @Test func aFetchThatHangsIsStoppedAtTheTimeout() throws {
        let a = try origin("a")
        // A git daemon that accepts and never answers.
        let listener = try Spawn.start(["/usr/bin/python3", "-c", """
            import socket, sys, time
            s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(8)
            open(sys.argv[1] + '.tmp', 'w').write(str(s.getsockname()[1])); __import__('os').rename(sys.argv[1] + '.tmp', sys.argv[1])
            held = []
            while True: held.append(s.accept())
            """, dir.file("port")])
        defer {
            kill(listener.pid, SIGKILL)
            _ = Spawn.wait(listener, timeout: 10)
        }
        #expect(waitUntil(20) { FileManager.default.fileExists(atPath: dir.file("port")) })
        let port = try String(contentsOfFile: dir.file("port"), encoding: .utf8)
        let stuck = try clone(dir.file("mirror/stuck.git"), remotes: [("silent", "git://127.0.0.1:\(port)/x.git")])
        let fine = try clone(dir.file("mirror/fine.git"), remotes: [("origin", a)])
        let started = Date()
        let run = try dumbPull(["--timeout", "2", dir.file("mirror")], timeout: 60)
        #expect(run.status == 1)
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(run.stderr.contains("\(stuck): fetch silent: git fetch --prune in \(stuck) did not finish within 2s"), "\(run.stderr)")
        #expect(try !refs(fine).isEmpty)
    }

    // MARK: Push, objstore, svn

    @Test func aConfigsPushDestinationsReceiveTheNewRefs() throws {
        let a = try origin("a")
        let top = dir.file("top")
        try shell("mkdir -p '\(top)/pub' && git clone -q --mirror '\(a)' '\(top)/pub/a.git' && git clone -q --mirror '\(a)' '\(dir.file("outside.git"))'")
        dir.write("conf", "[core]\ntoplevel = \(top)\nmanifest = \(top)/manifest.js.gz\n[push.copy]\nurl = file://\(dir.file("copy"))/{gitdir}\n")
        let first = try dumbPull(["-v", "-c", dir.file("conf"), top + "/pub", dir.file("outside.git")])
        #expect(first.status == 0, "\(first.stderr)")
        let copy = dir.file("copy/pub/a.git")
        #expect(try rev(copy, "master") == (try rev(a, "master")), "behind at first: pushed without a change")
        #expect(first.stderr.contains("\(dir.file("outside.git")) is outside toplevel"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("copy/outside.git")))
        let new = try commit(a)
        let second = try dumbPull(["-c", dir.file("conf"), top + "/pub/a.git"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try rev(copy, "master") == new)
        #expect(try refs(copy) == (try refs(top + "/pub/a.git")).filter { !$0.hasPrefix("refs/remotes/") })
    }

    @Test func anObjstoreBorrowerFeedsItsObjstore() throws {
        let a = try origin("a")
        let store = dir.file("objstore/group.git")
        let repo = dir.file("mirror/x.git")
        try shell("""
            git init -q --bare '\(store)' && touch '\(store)/grokmirror.objstore'
            git --git-dir='\(store)' fetch -q '\(a)' '+refs/heads/*:refs/virtual/seed/heads/*'
            git clone -q --mirror --reference '\(store)' '\(a)' '\(repo)'
            """)
        #expect(Alternates.borrowedRepository(of: repo) == store)
        let new = try commit(a)
        let run = try dumbPull(["-v", repo])
        #expect(run.status == 0, "\(run.stderr)")
        let virtual = try shell("git --git-dir='\(store)' for-each-ref --format='%(objectname) %(refname)' refs/virtual/")
        #expect(virtual.contains("\(new) refs/virtual/\(Virtref.of(repo))/heads/master"), "\(virtual)")
        #expect(try shell("git --git-dir='\(store)' cat-file -t \(new)").contains("commit"))
    }

    @Test func gitSvnFetchBringsInANewSubversionCommit() throws {
        let svnRepo = dir.file("svn")
        let clone = dir.file("checkout")
        try shell("""
            svnadmin create '\(svnRepo)'
            mkdir -p '\(dir.file("import/trunk"))' && echo one > '\(dir.file("import/trunk/file"))'
            svn import -q -m init '\(dir.file("import"))' 'file://\(svnRepo)'
            git svn clone -q -s 'file://\(svnRepo)' '\(clone)' >/dev/null 2>&1
            svn checkout -q 'file://\(svnRepo)/trunk' '\(dir.file("wc"))'
            echo two >> '\(dir.file("wc/file"))' && svn commit -q -m second '\(dir.file("wc"))'
            """)
        let before = try rev(clone + "/.git", "refs/remotes/origin/trunk")
        let log = dir.file("hook.log")
        let run = try dumbPull(["-v", "-s", "-u", hook(log: log), clone + "/.git"])
        #expect(run.status == 0, "\(run.stderr)")
        let after = try rev(clone + "/.git", "refs/remotes/origin/trunk")
        #expect(after != before)
        #expect(try shell("git --git-dir='\(clone)/.git' log -1 --format=%s \(after)").contains("second"))
        #expect(lines(log) == [clone + "/.git"])
        #expect(try dumbPull(["-s", "-r", "nosuch", clone + "/.git"]).status == 0, "no svn-remote matches: nothing to do")
    }

    // MARK: Hostile input

    @Test func pathsThatAreNoRepositoryFailWithOneLineEach() throws {
        try shell("mkdir -p '\(dir.file("plain.git"))' && echo x > '\(dir.file("file"))'")
        let run = try dumbPull([dir.file("plain.git"), dir.file("file"), dir.file("missing"), dir.file("missing.git")])
        #expect(run.status == 1)
        for line in ["\(dir.file("plain.git")) is not a git repository", "\(dir.file("file")) is neither a git repository nor a directory",
                     "\(dir.file("missing")) does not exist", "\(dir.file("missing.git")) does not exist"] {
            #expect(run.stderr.contains(line), "\(run.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["file", "plain.git"], "nothing written")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("plain.git")).isEmpty)
    }

    @Test func remoteURLsAndNamesStartingWithADashAreNoOptions() throws {
        let a = try origin("a")
        let pwned = dir.file("pwned")
        let repo = try clone(dir.file("mirror/x.git"), remotes: [("evil", "--upload-pack=touch \(pwned)"), ("-dash", a)])
        let run = try dumbPull([repo])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("\(repo): fetch evil:"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: pwned))
        #expect(try rev(repo, "refs/remotes/-dash/master") == (try rev(a, "master")), "a remote named -dash is a remote")
    }

    // MARK: Against the reference

    @Test func refsAndHookCallsMatchTheReferenceOnIdenticalCopies() throws {
        let reference = try Tools.reference("grok-dumb-pull")
        let a = try origin("a"), b = try origin("b")
        let base = dir.file("base")
        try clone(base + "/tree/one.git", remotes: [("origin", a), ("upstream", b)])
        try clone(base + "/tree/deep/two.git", remotes: [("origin", b)])
        try shell("git clone -q --mirror '\(a)' '\(base)/tree/mirror.git' && git clone -q --mirror '\(b)' '\(base)/current.git'")
        try commit(a, "after the mirror")
        try shell("git --git-dir='\(b)' branch -D dev && git --git-dir='\(b)' tag v2 master")
        try shell("cp -a '\(base)' '\(dir.file("theirs"))' && cp -a '\(base)' '\(dir.file("ours"))'")
        try shell("git --git-dir='\(dir.file("theirs"))/current.git' fetch -q --prune && git --git-dir='\(dir.file("ours"))/current.git' fetch -q --prune")
        var hookCalls: [String: [String]] = [:]
        for (side, binary) in [("theirs", reference), ("ours", tool)] {
            let root = dir.file(side)
            let log = dir.file("\(side).log")
            dir.write("\(side)-hook.sh", "#!/bin/sh\necho \"$1\" >> '\(log)'\n")
            chmod(dir.file("\(side)-hook.sh"), 0o755)
            let run = try runProcess(binary, ["-u", dir.file("\(side)-hook.sh"), root + "/tree", root + "/current.git"], timeout: 120)
            #expect(run.status == 0, "\(side): \(run.stderr)")
            hookCalls[side] = lines(log).map { String($0.dropFirst(root.count)) }.sorted()
        }
        #expect(hookCalls["ours"] == hookCalls["theirs"])
        #expect(hookCalls["ours"] == ["/tree/deep/two.git", "/tree/mirror.git", "/tree/one.git"])
        for repo in ["tree/one.git", "tree/deep/two.git", "tree/mirror.git", "current.git"] {
            #expect(try refs(dir.file("ours/" + repo)) == (try refs(dir.file("theirs/" + repo))), "\(repo)")
        }
    }
}
