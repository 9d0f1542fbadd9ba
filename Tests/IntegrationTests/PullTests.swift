import Foundation
import Testing
import TestSupport
import GrokKit

@Suite(.serialized) struct PullTests {
    @Test func initialMirrorOverSmartHTTPEqualsOrigin() throws {
        let f = try PullFixture()
        let run = try f.runPull()
        #expect(run.status == 0, "\(run.stderr)")
        try f.expectMirrorEqualsOrigin()
        #expect(PathUtilities.realpath(f.mirror + "/pub/latest.git") == f.mirror + "/pub/project1/repo1.git")
        let projects = try String(contentsOfFile: f.mirror + "/projects.list", encoding: .utf8)
        #expect(projects.split(separator: "\n").count == 8)
        #expect(projects.contains("pub/project7/repo7.git\n"))
        let local = try loadManifest(f.mirror + "/manifest.js.gz")
        let remote = try loadManifest(f.origin + "/manifest.js.gz")
        #expect(Set(local.gitdirs) == Set(remote.gitdirs))
        let repo = f.mirror + "/pub/project7/repo7.git"
        #expect(try shell("git --git-dir='\(repo)' config gitweb.owner").contains("Maintainer 7"))
        #expect(try String(contentsOfFile: repo + "/description", encoding: .utf8) == "Demo repository 7")
        #expect(try shell("git --git-dir='\(repo)' config gc.auto").contains("0"))
        #expect(PathUtilities.readLink(repo + "/FETCH_HEAD") == "/dev/null")
        #expect(FileSystem.listDirectory(repo + "/hooks")?.filter { $0.hasSuffix(".sample") }.isEmpty == true)
        #expect(FileSystem.exists(repo + "/info/web/last-modified"))
        #expect(FileSystem.readString(repo + "/grokmirror.timestamp") == String(remote["/pub/project7/repo7.git"]!.modified!))
        let log = try String(contentsOfFile: f.dir.file("pull.log"), encoding: .utf8)
        #expect(log.contains(" - INFO -     fetch: /pub/project7/repo7.git"))
    }

    @Test func unchangedManifestIs304AndTouchesNothing() throws {
        let f = try PullFixture(repos: 4)
        #expect(try f.runPull().status == 0)
        let before = try f.mirrorSnapshot()
        let again = try f.runPull()
        #expect(again.status == 0)
        #expect(again.stderr.contains("unchanged"))
        #expect(f.server.accessLog.contains("\"GET /manifest.js.gz HTTP/1.1\" 304"))
        #expect(try f.mirrorSnapshot() == before)
        // -n ignores the mtime but still finds nothing to do.
        let forced = try f.runPull(["-n"])
        #expect(forced.status == 0)
        #expect(!forced.stderr.contains("fetch:"))
    }

    @Test func updateFetchesOnlyChangedRepositories() throws {
        let f = try PullFixture()
        #expect(try f.runPull().status == 0)
        for gitdir in ["/pub/project2/repo2.git", "/pub/project3/repo3.git"] {
            try shell("git --git-dir='\(f.origin + gitdir)' update-ref refs/heads/new-work \"$(git --git-dir='\(f.origin + gitdir)' rev-parse master)\"")
        }
        try shell("git --git-dir='\(f.origin)/pub/project3/repo3.git' config gitweb.owner 'New Owner'")
        try f.regenerateOriginManifest()
        let run = try f.runPull()
        #expect(run.status == 0)
        let fetched = run.stderr.split(separator: "\n").filter { $0.contains("fetch: ") }.map { String($0.split(separator: " ").last!) }
        #expect(Set(fetched) == ["/pub/project2/repo2.git", "/pub/project3/repo3.git"])
        try f.expectMirrorEqualsOrigin()
        #expect(try shell("git --git-dir='\(f.mirror)/pub/project3/repo3.git' config gitweb.owner").contains("New Owner"))
    }

    @Test func fileURLAndManifestCommand() throws {
        let f = try PullFixture(repos: 3)
        f.writeConfig(manifest: "file://\(f.origin)/manifest.js.gz", site: "file://\(f.origin)")
        #expect(try f.runPull().status == 0)
        try f.expectMirrorEqualsOrigin()
        #expect(try f.runPull().stderr.contains("unchanged"))

        let script = f.dir.file("manifest-cmd.sh")
        f.dir.write("manifest-cmd.sh", """
            #!/bin/sh
            echo "$@" >> \(f.dir.path)/cmd-args
            case "$(cat \(f.dir.path)/mode)" in
              ok) gzip -dc \(f.origin)/manifest.js.gz ;;
              same) exit 127 ;;
              fail) echo broken >&2; exit 1 ;;
              odd) exit 3 ;;
            esac
            """)
        try shell("chmod +x '\(script)'")
        f.writeConfig(extra: "")
        f.dir.write("pull.conf", (try String(contentsOfFile: f.config, encoding: .utf8)).replacingOccurrences(of: "[remote]\n", with: "[remote]\nmanifest_command = \(script) --from-config\n"))
        for (mode, status) in [("ok", Int32(0)), ("same", 0), ("fail", 2), ("odd", 0)] {
            f.dir.write("mode", mode)
            let run = try f.runPull(mode == "ok" ? ["-n"] : [])
            #expect(run.status == status, "\(mode): \(run.stderr)")
        }
        let args = try String(contentsOfFile: f.dir.file("cmd-args"), encoding: .utf8)
        #expect(args.hasPrefix("--from-config --force\n"))
    }

    @Test func purgeAndItsProtections() throws {
        let f = try PullFixture(repos: 24)
        #expect(try f.runPull().status == 0)
        try shell("rm -rf '\(f.origin)/pub/project4/repo4.git'")
        try f.regenerateOriginManifest()
        // Without -p nothing is purged.
        #expect(try f.runPull().status == 0)
        #expect(FileSystem.exists(f.mirror + "/pub/project4/repo4.git"))
        try f.touchOriginManifest()
        let purged = try f.runPull(["-p"])
        #expect(purged.status == 0)
        #expect(purged.stderr.contains("purge: /pub/project4/repo4.git"))
        #expect(!FileSystem.exists(f.mirror + "/pub/project4/repo4.git"))
        #expect(try !loadManifest(f.mirror + "/manifest.js.gz").contains("/pub/project4/repo4.git"))
        // Dropping a third of the collection trips purgeprotect...
        try shell("cd '\(f.origin)/pub' && rm -rf project5 project6 && rm -f latest.git")
        try f.regenerateOriginManifest()
        let refused = try f.runPull(["-p"])
        #expect(refused.status == 0)
        #expect(refused.stderr.contains("Refusing to purge"))
        #expect(FileSystem.exists(f.mirror + "/pub/project5/repo5.git"))
        // ... nopurge and ffonly are honoured even when forced.
        f.writeConfig(extra: "nopurge = /pub/project5/*\nffonly = /pub/project6/repo14.git")
        let forced = try f.runPull(["-p", "--force-purge", "-n"])
        #expect(forced.status == 0)
        #expect(FileSystem.exists(f.mirror + "/pub/project5/repo5.git"))
        #expect(FileSystem.exists(f.mirror + "/pub/project6/repo14.git"))
        #expect(!FileSystem.exists(f.mirror + "/pub/project6/repo6.git"))
        #expect(!FileSystem.exists(f.mirror + "/pub/latest.git"))
    }

    @Test func hooksRunWithRepositoryPathAndCloneList() throws {
        let f = try PullFixture(repos: 3)
        for (name, body) in [("update-hook", "echo \"$@\" >> \(f.dir.path)/updated"), ("clone-hook", "cat >> \(f.dir.path)/cloned"), ("work-hook", "echo done >> \(f.dir.path)/work")] {
            f.dir.write(name, "#!/bin/sh\n\(body)\n")
            try shell("chmod +x '\(f.dir.file(name))'")
        }
        f.writeConfig(extra: "post_update_hook = \(f.dir.file("update-hook")) --flag\npost_clone_complete_hook = \(f.dir.file("clone-hook"))\npost_work_complete_hook = \(f.dir.file("work-hook"))")
        #expect(try f.runPull().status == 0)
        let updated = try String(contentsOfFile: f.dir.file("updated"), encoding: .utf8).split(separator: "\n")
        #expect(updated.count == 3)
        #expect(updated.contains("--flag \(f.mirror)/pub/project1/repo1.git"))
        let cloned = try String(contentsOfFile: f.dir.file("cloned"), encoding: .utf8).split(separator: "\n").sorted()
        #expect(cloned == f.originRepos.map { f.mirror + $0 }.sorted().map { Substring($0) })
        #expect(try String(contentsOfFile: f.dir.file("work"), encoding: .utf8) == "done\n")
    }

    @Test func failedFetchIsRetriedReportedAndTheRestProceeds() throws {
        let f = try PullFixture(repos: 4)
        try shell("mv '\(f.origin)/pub/project2/repo2.git' '\(f.dir.path)/hidden.git'")
        // The manifest still lists repo2, but the server no longer has it.
        try shell("cp -a '\(f.dir.path)/hidden.git' /dev/null 2>/dev/null || true")
        let run = try f.runPull()
        #expect(run.status == 1)
        #expect(run.stderr.contains("refetch: /pub/project2/repo2.git (try #3)"))
        #expect(run.stderr.contains("/pub/project2/repo2.git"))
        #expect(FileSystem.exists(f.mirror + "/pub/project3/repo3.git"))
        #expect(try referenceFingerprint(f.mirror + "/pub/project3/repo3.git") == (try referenceFingerprint(f.origin + "/pub/project3/repo3.git")))
        #expect(try !loadManifest(f.mirror + "/manifest.js.gz").contains("/pub/project2/repo2.git"))
        // Once the origin serves it again, the next run completes the mirror.
        try shell("mv '\(f.dir.path)/hidden.git' '\(f.origin)/pub/project2/repo2.git'")
        #expect(try f.runPull(["-n"]).status == 0)
        try f.expectMirrorEqualsOrigin()
    }

    @Test func netrcCredentialsForAProtectedManifest() throws {
        let f = try PullFixture(repos: 2)
        try shell("mkdir -p '\(f.origin)/private' && cp '\(f.origin)/manifest.js.gz' '\(f.origin)/private/'")
        f.writeConfig(manifest: f.server.baseURL + "/private/manifest.js.gz")
        let home = f.dir.file("home")
        try shell("mkdir -p '\(home)'")
        let denied = try f.runPull([], environment: ["HOME": home])
        #expect(denied.status == 2)
        #expect(denied.stderr.contains("401"))
        f.dir.write("home/.netrc", "machine 127.0.0.1 login mirror password s3cret\n")
        try shell("chmod 600 '\(home)/.netrc'")
        let allowed = try f.runPull([], environment: ["HOME": home])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        try f.expectMirrorEqualsOrigin()
    }

    @Test func recloneRequestedByFsckIsCarriedOut() throws {
        let f = try PullFixture(repos: 2)
        #expect(try f.runPull().status == 0)
        let repo = f.mirror + "/pub/project1/repo1.git"
        try shell("echo 'fsck: missing blob' > '\(repo)/grokmirror.reclone' && rm -rf '\(repo)'/objects/pack/* '\(repo)'/objects/??")
        let run = try f.runPull(["-n"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("reclone: /pub/project1/repo1.git"))
        #expect(!FileSystem.exists(repo + "/grokmirror.reclone"))
        try shell("git --git-dir='\(repo)' fsck --no-progress")
        try f.expectMirrorEqualsOrigin()
    }
}

@Suite(.serialized) struct PullSignalTests {
    /// SIGTERM halfway through an initial mirror: the run is stopped once
    /// five repositories are done (each fetch is slowed to 0.3 s, so forty
    /// take seconds), saves what is finished and exits 0 within seconds.
    @Test func sigtermSavesFinishedWorkAndExitsZero() throws {
        let f = try PullFixture(repos: 40)
        let slowGit = f.dir.file("slow-git")
        f.dir.write("slow-git", "#!/bin/sh\ncase \" $* \" in *\" fetch \"*) sleep 0.3;; esac\nexec git \"$@\"\n")
        chmod(slowGit, 0o755)
        let child = try Spawn.start([f.pull, "-c", f.config, "-v"], environment: ["GITBIN": slowGit])
        func finished() -> Int { ((try? String(contentsOfFile: f.dir.file("pull.log"), encoding: .utf8)) ?? "").components(separatedBy: "     done: ").count - 1 }
        #expect(waitUntil(timeout: 120) { finished() >= 5 }, "five repositories done")
        kill(child.pid, SIGTERM)
        let started = Date()
        let outcome = Spawn.wait(child, timeout: 30)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("refetch:"), "a fetch stopped by the signal is not retried: \(outcome.stderr)")
        let saved = try loadManifest(f.mirror + "/manifest.js.gz")
        #expect(saved.count >= 5 && saved.count < 40, "halfway: \(saved.count) of 40 recorded")
        for gitdir in saved.gitdirs {
            #expect(try referenceFingerprint(gitdir.fullpath(in: f.mirror)) == (try referenceFingerprint(gitdir.fullpath(in: f.origin))), "\(gitdir) recorded but incomplete")
        }
        // The next run finishes the job.
        let rerun = try f.runPull(["-n"])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        try f.expectMirrorEqualsOrigin()
    }
}

@Suite(.serialized) struct PullLockTests {
    @Test func lockedRepositoryIsDeferredThenDone() throws {
        let f = try PullFixture(repos: 3)
        #expect(try f.runPull().status == 0)
        let gitdir = "/pub/project2/repo2.git"
        try shell("git --git-dir='\(f.origin + gitdir)' update-ref refs/heads/while-locked \"$(git --git-dir='\(f.origin + gitdir)' rev-parse master)\"")
        try f.regenerateOriginManifest()
        // Another process (grok-fsck, say) holds the repository's lock for three seconds.
        let holder = try Spawn.start(["/usr/bin/env", "python3", "-c",
            "import fcntl,sys,time; f=open(sys.argv[1],'w'); fcntl.lockf(f, fcntl.LOCK_EX); open(sys.argv[1]+'.held','w').close(); time.sleep(3)",
            FileLock.lockPath(for: f.mirror + gitdir)])
        for _ in 0..<100 where !FileSystem.exists(FileLock.lockPath(for: f.mirror + gitdir) + ".held") { usleep(20_000) }
        let run = try f.runPull()
        _ = Spawn.wait(holder, timeout: 10)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("defer: \(gitdir) (locked)"))
        #expect(run.stderr.contains("fetch: \(gitdir)"))
        try f.expectMirrorEqualsOrigin()
    }
}

@Suite(.serialized) struct PullCheckpointTests {
    /// With exactly 100 repositories the last checkpoint happens inside the
    /// run, and projects.list must still be written at the end.
    @Test func projectsListIsWrittenWhenACheckpointSavedEverything() throws {
        let f = try PullFixture(repos: 100)
        f.writeConfig(manifest: "file://\(f.origin)/manifest.js.gz", site: f.origin)
        let run = try f.runPull()
        #expect(run.status == 0, "\(run.stderr)")
        let projects = try String(contentsOfFile: f.mirror + "/projects.list", encoding: .utf8)
        #expect(projects.split(separator: "\n").count == 100)
        #expect(try loadManifest(f.mirror + "/manifest.js.gz").count == 100)
    }
}
