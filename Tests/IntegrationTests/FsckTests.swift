import Foundation
import Testing
import TestSupport
import GrokKit

/// grok-fsck end to end: real repositories, real git, a real SMTP listener.
@Suite struct FsckTests {
    /// Makes every object of `repo` loose, then deletes the blob of
    /// master:README and adds a ref pointing at nothing.
    func corrupt(_ repo: String) throws -> String {
        try shell("""
            cd '\(repo)'
            held=$(mktemp -d)
            mv objects/pack/* "$held"/ 2>/dev/null || true
            for p in "$held"/*.pack; do [ -e "$p" ] && git --git-dir=. unpack-objects -q < "$p"; done
            rm -rf "$held"
            blob=$(git --git-dir=. rev-parse master:README)
            rm -f "objects/${blob:0:2}/${blob:2}"
            echo 0123456789abcdef0123456789abcdef01234567 > refs/heads/broken
            echo "$blob"
            """).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func corruptionIsReportedRecordedAndReclonedByGrokPull() throws {
        let smtp = try SMTPListener()
        let pull = try PullFixture(repos: 6)
        try pull.runPull()
        let gitdir = "/pub/project2/repo2.git"
        let repo = pull.mirror + gitdir
        let blob = try corrupt(repo)
        pull.writeConfig(extra: """
            [fsck]
            statusfile = \(pull.dir.file("fsck.status.js"))
            report_to = Mirror Admins <admin@example.org>
            report_from = grok@example.org
            report_mailhost = \(smtp.address)
            """)
        let run = try runProcess(Tools.ours("grok-fsck"), ["-c", pull.config, "-f"])
        #expect(run.status == 0, "\(run.stderr)")
        // Critical lines reach the console even without -v.
        #expect(run.stderr.contains("\(repo) reports errors:"))

        let mails = smtp.messages
        try #require(mails.count == 1)
        let mail = mails[0]
        #expect(mail.contains("Subject: grok-fsck errors on "))
        #expect(mail.contains("(\(pull.config))"))
        #expect(mail.contains("X-RcptTo: admin@example.org"))
        #expect(mail.contains("From: grok@example.org"))
        #expect(mail.contains("Message-ID: <") && mail.contains("Date: "))
        #expect(mail.contains("\(repo) reports errors:"))
        #expect(mail.contains("missing blob \(blob)"))
        #expect(mail.contains("refs/heads/broken"))
        #expect(mail.contains("requested auto-reclone"))

        let errors = try String(contentsOfFile: repo + "/grokmirror.fsck.err", encoding: .utf8)
        #expect(errors.hasPrefix("# Date: \(CheckDate.today())\n# Cmd : git fsck --no-progress --no-dangling --no-reflogs\n"))
        #expect(errors.contains("missing blob \(blob)") && errors.contains("refs/heads/broken"))
        let reclone = try String(contentsOfFile: repo + "/grokmirror.reclone", encoding: .utf8)
        #expect(reclone.hasPrefix("Requested by grok-fsck due to error: "))
        // Only the broken repository was touched that way.
        #expect(!FileManager.default.fileExists(atPath: pull.mirror + "/pub/project1/repo1.git/grokmirror.fsck.err"))

        // The next grok-pull reclones it, and it is whole again.
        let repull = try pull.runPull(["-n"])
        #expect(repull.status == 0, "\(repull.stderr)")
        #expect(!FileManager.default.fileExists(atPath: repo + "/grokmirror.reclone"))
        try shell("git --git-dir='\(repo)' fsck --no-progress --no-dangling")
        #expect(try shell("git --git-dir='\(repo)' show-ref").contains("refs/heads/broken") == false)
        try pull.expectMirrorEqualsOrigin()
    }

    @Test func ignoreErrorsSilenceBenignLines() throws {
        let smtp = try SMTPListener()
        let fixture = try FsckFixture(repos: 3, mailhost: smtp.address)
        let repo = fixture.toplevel + "/pub/project1/repo1.git"
        try shell("""
            export GIT_DIR='\(repo)'
            c=$(git rev-parse master)
            t=$(printf 'object %s\\ntype commit\\ntag notagger\\n\\nno tagger here\\n' "$c" | git hash-object -t tag -w --stdin --literally)
            git update-ref refs/tags/notagger "$t"
            """)
        try fixture.updateManifest()
        #expect(try shell("git --git-dir='\(repo)' fsck --no-dangling 2>&1").contains("missingTaggerEntry"))
        let quiet = try fixture.runFsck(["-f"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(smtp.messages.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: repo + "/grokmirror.fsck.err"))

        // Without that ignore pattern the same line is an error, but not one that asks for a reclone.
        fixture.writeConfig(mailhost: smtp.address, extra: "ignore_errors = notice:")
        let loud = try fixture.runFsck(["-f"])
        #expect(loud.status == 0, "\(loud.stderr)")
        try #require(smtp.messages.count == 1)
        #expect(smtp.messages[0].contains("missingTaggerEntry"))
        #expect(try String(contentsOfFile: repo + "/grokmirror.fsck.err", encoding: .utf8).contains("missingTaggerEntry"))
        #expect(!FileManager.default.fileExists(atPath: repo + "/grokmirror.reclone"))
    }

    @Test func aFailedSendFailsTheRunAndKeepsTheReportInTheLog() throws {
        let fixture = try FsckFixture(repos: 2, mailhost: "127.0.0.1:\(try OriginServer.freePort())")
        let repo = fixture.toplevel + "/pub/project1/repo1.git"
        let blob = try corrupt(repo)
        let run = try fixture.runFsck(["-f"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("Could not send the error report to admin@example.org"))
        let log = fixture.log
        #expect(log.contains("The undelivered report follows:"))
        #expect(log.contains("ERROR -   \tmissing blob \(blob)"))
    }

    @Test func manyLooseObjectsGetAQuickRepack() throws {
        let fixture = try FsckFixture(repos: 3)
        #expect(try fixture.runFsck().status == 0)
        let repo = fixture.toplevel + "/pub/project2/repo2.git"
        try fixture.addLooseObjects(repo, count: 1300)
        #expect(try fixture.counts(repo).loose >= 1300)
        let run = try fixture.runFsck()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("queued: \(repo) (repack)"))
        #expect(run.stderr.contains("repacking with \"-a -b --unpack-unreachable=yesterday -d\""))
        let after = try fixture.counts(repo)
        #expect(after.loose == 0 && after.packs == 1)
        #expect(FileManager.default.fileExists(atPath: repo + "/objects/info/commit-graph"))
        let record = try #require(try fixture.status()[repo])
        #expect(record.object["lastrepack"]?.stringValue == fixture.today)
        #expect(record.object["lastfullrepack"] == nil)
        #expect(record.fingerprint == CachedFingerprint.read(repo))
        try shell("git --git-dir='\(repo)' fsck --no-progress")
        // Measured once: the next run finds nothing changed.
        #expect(!(try fixture.runFsck()).stderr.contains("queued: \(repo)"))
    }

    /// 20 incremental packs, and the cached fingerprint refreshed.
    func makeTwentyPacks(_ fixture: FsckFixture, _ repo: String) throws {
        try shell("""
            export GIT_DIR='\(repo)'
            for i in $(seq 1 20); do
              c=$(git commit-tree -p master -m "pack $i $RANDOM" $(git rev-parse master^{tree}))
              git update-ref refs/heads/master "$c"
              git repack -q
            done
            """)
        #expect(try fixture.counts(repo).packs >= 20)
        try fixture.updateManifest()
    }

    @Test func twentyPacksGetAFullRepackOnScheduleAndAQuickOneBefore() throws {
        let fixture = try FsckFixture(repos: 3)
        #expect(try fixture.runFsck().status == 0)
        let repo = fixture.toplevel + "/pub/project3/repo3.git"
        // Not due yet: packs are consolidated by a quick repack.
        var status = try fixture.status()
        var record = try #require(status[repo])
        record.nextCheck = CheckDate.today().adding(days: 10)
        status[repo] = record
        try FsckStatusFile(path: fixture.statusFile).write(&status)
        try makeTwentyPacks(fixture, repo)
        let quick = try fixture.runFsck()
        #expect(quick.stderr.contains("queued: \(repo) (repack)"), "\(quick.stderr)")
        #expect(try fixture.counts(repo).packs == 1)
        #expect(try fixture.status()[repo]?.object["lastfullrepack"] == nil)

        // With -f the check is due: a full repack, with no extra flags
        // when extra_repack_flags_full is not set (grokmirror's default).
        try makeTwentyPacks(fixture, repo)
        let full = try fixture.runFsck(["-f"])
        #expect(full.status == 0, "\(full.stderr)")
        #expect(full.stderr.contains("queued: \(repo) (full repack)"))
        #expect(full.stderr.contains("repacking with \"-a -b --unpack-unreachable=yesterday -f --pack-kept-objects -d\""), "\(full.stderr)")
        #expect(full.stderr.contains("packrefs: repacking all refs"))
        #expect(try fixture.counts(repo).packs == 1)
        let after = try #require(try fixture.status()[repo])
        #expect(after.object["lastfullrepack"]?.stringValue == fixture.today)
        #expect(after.lastCheck == fixture.today)

        // grokmirror.repack asks for a full repack at once, and is removed after it.
        try shell("touch '\(repo)/grokmirror.repack'")
        let asked = try fixture.runFsck()
        #expect(asked.stderr.contains("queued: \(repo) (full repack)"))
        #expect(!FileManager.default.fileExists(atPath: repo + "/grokmirror.repack"))
    }

    @Test func scheduleForceAndDepartedRepos() throws {
        let fixture = try FsckFixture(repos: 12)
        let first = try fixture.runFsck()
        #expect(first.status == 0, "\(first.stderr)")
        let today = CheckDate.today()
        let status = try fixture.status()
        // The twelve repositories and the objstore repository the two forks among them now share.
        #expect(status.paths.filter { !$0.contains("/objstore/") }.count == 12)
        #expect(status.count == 13)
        for path in status.paths {
            let record = try #require(status[path])
            let next = try #require(record.nextCheck)
            if record.lastCheck == today.description {
                // Its random first day was today: checked at once, next in a full period.
                #expect(next == today.adding(days: 30))
            } else {
                #expect(record.lastCheck == "never")
                #expect(next > today && next <= today.adding(days: 30))
            }
            #expect(FileSystem.isSymlink(path + "/FETCH_HEAD"))
        }
        let forced = try fixture.runFsck(["-f"])
        #expect(forced.status == 0)
        for path in try fixture.status().paths {
            let record = try #require(try fixture.status()[path])
            #expect(record.lastCheck == today.description)
            let next = try #require(record.nextCheck)
            #expect(next > today && next <= today.adding(days: 30))
        }

        // A repository gone from disk leaves the manifest and the status.
        let gone = fixture.toplevel + "/pub/project3/repo3.git"
        try FileManager.default.removeItem(atPath: gone)
        #expect(try fixture.runFsck().status == 0)
        #expect(try fixture.status()[gone] == nil)
        #expect(try loadManifest(fixture.toplevel + "/manifest.js.gz").contains("/pub/project3/repo3.git") == false)
        #expect(try fixture.status().count == 12)

        // A tree that vanished wholesale (an unmounted disk) is not erased
        // from the manifest, and the objstore its forks need is kept.
        let stores = ObjectStoreMigration.objectStores(in: fixture.toplevel + "/objstore")
        #expect(stores.count == 1)
        try FileManager.default.moveItem(atPath: fixture.toplevel + "/pub", toPath: fixture.dir.file("pub-away"))
        let unmounted = try fixture.runFsck()
        #expect(unmounted.stderr.contains("are missing under"))
        #expect(try loadManifest(fixture.toplevel + "/manifest.js.gz").count == 11)
        #expect(ObjectStoreMigration.objectStores(in: fixture.toplevel + "/objstore") == stores, "\(unmounted.stderr)")
    }

    /// grok-fsck killed with SIGKILL in the middle of a run: the repositories
    /// it had finished are not checked again by the next run.
    @Test func aKilledRunLosesAtMostTheRepositoryInProgress() throws {
        let fixture = try FsckFixture(repos: 8)
        #expect(try fixture.runFsck().status == 0)
        // A git that kills grok-fsck at the fifth fsck, as a crash would.
        fixture.dir.write("crashing-git", """
            #!/bin/sh
            case " $* " in *" fsck "*)
              n=$(cat '\(fixture.dir.file("fscks"))' 2>/dev/null || echo 0); n=$((n + 1)); echo $n > '\(fixture.dir.file("fscks"))'
              [ $n -eq 5 ] && kill -9 $PPID && sleep 5;;
            esac
            exec git "$@"
            """)
        try shell("chmod +x '\(fixture.dir.file("crashing-git"))'")
        let killed = try runProcess(fixture.fsck, ["-c", fixture.config, "-f"], environment: ["GITBIN": fixture.dir.file("crashing-git")])
        #expect(killed.status != 0)
        let journal = FsckStatusJournal(statusFile: fixture.statusFile)
        #expect(FileSystem.exists(journal.path))
        let checkedBeforeTheCrash = try fixture.status().paths.filter { try fixture.status()[$0]?.lastCheck == fixture.today }

        let next = try fixture.runFsck()
        #expect(next.status == 0, "\(next.stderr)")
        #expect(next.stderr.contains("recovered 4 records of an interrupted run"), "\(next.stderr)")
        #expect(!FileSystem.exists(journal.path))
        let status = try fixture.status()
        let recovered = status.paths.filter { status[$0]?.lastCheck == fixture.today }
        #expect(recovered.count >= 4)
        #expect(recovered.count >= checkedBeforeTheCrash.count)
        // The four finished repositories were not checked again: the second
        // run queued only what was still due.
        let queued = next.stderr.components(separatedBy: "\n").filter { $0.contains("queued:") && $0.contains("(fsck)") }
        #expect(queued.count <= 8 - 4, "\(next.stderr)")
    }

    /// A weekly check is started niced (the unit says Nice=19); git must
    /// run at that nice value too, though grok-fsck spawns it from threads
    /// libdispatch gives nice values of their own; and with the normal
    /// scheduling policy.
    @Test func gitRunsAtTheNiceValueGrokFsckWasStartedWith() throws {
        let fixture = try FsckFixture(repos: 3)
        let log = fixture.dir.file("git-priorities")
        // Fields 19 and 41 of /proc/PID/stat: nice and scheduling policy.
        fixture.dir.write("recording-git", """
            #!/bin/sh
            awk '{ sub(/^.*\\) /, ""); print $17, $39 }' /proc/$$/stat >> '\(log)'
            exec git "$@"
            """)
        try shell("chmod +x '\(fixture.dir.file("recording-git"))'")
        let run = try runProcess("/usr/bin/nice", ["-n", "7", fixture.fsck, "-c", fixture.config, "-f"],
                                 environment: ["GITBIN": fixture.dir.file("recording-git")])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 3)
        #expect(Set(lines) == ["7 0"], "nice and policy of each git: \(lines)")
    }

    @Test func oneInstancePerTree() throws {
        let fixture = try FsckFixture(repos: 2)
        let lock = try #require(try FileLock.tryAcquire(for: fixture.statusFile))
        let started = Date()
        let run = try fixture.runFsck(["-f"])
        #expect(run.status == 0)
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(run.stderr.contains("Assuming another process is running."))
        #expect(!FileManager.default.fileExists(atPath: fixture.statusFile))
        lock.release()
        #expect(try fixture.runFsck(["-f"]).status == 0)
        #expect(try fixture.status().count == 2)
    }

    @Test func aLenderKeepsWhatItsBorrowersNeed() throws {
        let fixture = try FsckFixture(repos: 2, extra: "extra_repack_flags_full = --window=250 --depth=50")
        let parent = fixture.toplevel + "/pub/project1/repo1.git"
        let child = fixture.toplevel + "/pub/child.git"
        // The child borrows (1.x style) and references a commit only the parent has.
        try shell("""
            export GIT_DIR='\(parent)'
            c=$(git commit-tree -p master -m "only in the parent" $(git rev-parse master^{tree}))
            git update-ref refs/heads/feature "$c"
            git clone -q --bare --shared '\(parent)' '\(child)'
            git --git-dir='\(child)' show-ref | grep -q refs/heads/feature
            git update-ref -d refs/heads/feature
            touch '\(parent)/grokmirror.do-not-objstore' '\(child)/grokmirror.do-not-objstore'
            """)
        try fixture.updateManifest()
        let run = try fixture.runFsck(["--repack-all-full"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("queued: \(parent) (full repack)"))
        #expect(run.stderr.contains("repacking with \"-a -b -k -f --pack-kept-objects --window=250 --depth=50 -d\""))
        let parentWork = try #require(run.stderr.components(separatedBy: "\(parent):\n").last?.components(separatedBy: "      ---:").first)
        #expect(parentWork.contains("packrefs:") && !parentWork.contains("prune: pruning"))
        try shell("git --git-dir='\(child)' fsck --no-progress --connectivity-only")
        // Objects others borrow stay precious outside the repack.
        #expect(try fixture.git(parent, "config extensions.preciousObjects") == "true")
    }

    @Test func statusFilesAreSharedWithTheReference() throws {
        let fixture = try FsckFixture(repos: 11)
        let reference = try Tools.reference("grok-fsck")
        let theirs = try runProcess(reference, ["-c", fixture.config])
        #expect(theirs.status == 0, "\(theirs.stderr)")
        let written = try fixture.status()
        #expect(written.count >= 11)
        // Ours reads theirs and keeps every schedule it does not act on.
        let ours = try fixture.runFsck()
        #expect(ours.status == 0, "\(ours.stderr)")
        let mine = try fixture.status()
        for path in written.paths where !ours.stderr.contains("queued: \(path)") && !ours.stderr.contains("queued: \(PathUtilities.basename(path))") {
            #expect(mine[path]?.nextCheck == written[path]?.nextCheck, "\(path)")
        }
        // Forced: every repository, objstore ones included, is checked and stays whole.
        let forced = try fixture.runFsck(["-f"])
        #expect(forced.status == 0, "\(forced.stderr)")
        for path in try fixture.status().paths {
            try shell("git --git-dir='\(path)' fsck --no-progress --connectivity-only 2>&1")
        }
        // And the reference reads ours.
        let again = try runProcess(reference, ["-c", fixture.config, "-v"])
        #expect(again.status == 0)
        #expect(!again.stderr.contains("Failed to parse"))
        #expect(again.stderr.contains("status: reading \(fixture.statusFile)"))
    }

    /// grokmirror 2.0.12 dies with a TypeError on any repository carrying
    /// grokmirror.do-not-objstore; ours checks it like any other.
    @Test func doNotObjstoreRepositoriesAreCheckedWhereTheReferenceCrashes() throws {
        let fixture = try FsckFixture(repos: 2)
        let repo = fixture.toplevel + "/pub/project1/repo1.git"
        try shell("touch '\(repo)/grokmirror.do-not-objstore'")
        let ours = try fixture.runFsck(["-f"])
        #expect(ours.status == 0, "\(ours.stderr)")
        #expect(try fixture.status()[repo]?.lastCheck == fixture.today)
        try FileManager.default.removeItem(atPath: fixture.statusFile)
        let theirs = try runProcess(try Tools.reference("grok-fsck"), ["-c", fixture.config, "-f"])
        #expect(theirs.stderr.contains("TypeError"))
    }
}
