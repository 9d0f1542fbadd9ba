import Testing
import TestSupport
@testable import GrokKit

/// grok-fsck's pure decisions: what to do with a repository, with which
/// repack flags, and when to check it next.
@Suite struct FsckDecisionTests {
    func counts(loose: Int = 0, packs: Int = 1, inPack: Int = 100, garbage: Int = 0) -> ObjectCounts {
        var counts = ObjectCounts()
        counts.loose = loose
        counts.packs = packs
        counts.inPack = inPack
        counts.garbage = garbage
        return counts
    }

    func decide(_ facts: FsckDecision.Facts, _ configure: (inout FsckDecision.Mode) -> Void = { _ in }) -> FsckDecision.Outcome {
        var mode = FsckDecision.Mode()
        configure(&mode)
        return FsckDecision.decide(facts, mode: mode)
    }

    @Test func settingsAndFlagsBecomeModesAndOptions() throws {
        let config = try GrokConfig(text: """
            [core]
            toplevel = /srv/grok-test
            objstore = /srv/grok-test/objstore
            objstore_uses_plumbing = yes
            private = /private/*
            [fsck]
            statusfile = /srv/grok-test/fsck.status.js
            repack = no
            precious = always
            commitgraph = no
            extra_repack_flags = --window=10
            extra_repack_flags_full = --window=250 --depth=50
            baselines = /pub/torvalds/*
            islandcores = /pub/*/linux.git
            obstrepo_merge_strategy = blobs
            """, path: "/etc/grokmirror/test.conf")
        let settings = try FsckSettings(config: config)
        var options = FsckRun.Options()
        options.force = true
        options.repackAllFull = true
        let mode = FsckDecision.Mode(settings: settings, options: options)
        #expect(!mode.repackEnabled && mode.precious == .always && mode.force && mode.repackAllFull && !mode.repackAllQuick && !mode.repackOnly)
        #expect(!mode.prune, "git cannot prune a precious repository")
        let recipe = RepackRecipe.Options(settings: settings)
        #expect(recipe.precious == .always && !recipe.commitGraph)
        #expect(recipe.extraFlags == ["--window=10"] && recipe.extraFullFlags == ["--window=250", "--depth=50"])
        let migration = ObjectStoreMigration.Settings(objstore: "/srv/grok-test/objstore", core: config.core, fsck: settings)
        #expect(migration.toplevel == "/srv/grok-test" && migration.baselines.map(\.pattern) == ["/pub/torvalds/*"])
        #expect(migration.privateRepos.map(\.pattern) == ["/private/*"])
        let upkeep = ObjectStoreUpkeep.Settings(objstore: "/srv/grok-test/objstore", core: config.core, fsck: settings)
        #expect(upkeep.plumbing && upkeep.mergeStrategy == .blobs && upkeep.islandCores.map(\.pattern) == ["/pub/*/linux.git"])
        #expect(upkeep.baselines.map(\.pattern) == ["/pub/torvalds/*"])
    }

    @Test func unchangedRepoIsCheckedOnlyWhenDueOrForced() {
        var facts = FsckDecision.Facts(counts: counts(loose: 5000, packs: 30))
        #expect(decide(facts).work == .nothing)
        facts.checkDue = true
        #expect(decide(facts).work == .fsck)
        facts.checkDue = false
        #expect(decide(facts) { $0.force = true }.work == .fsck)
        #expect(decide(facts) { $0.force = true; $0.repackOnly = true }.work == .nothing)
    }

    @Test func changedRepoIsMeasured() {
        var facts = FsckDecision.Facts(counts: counts(loose: 1300))
        facts.fingerprintChanged = true
        #expect(decide(facts).work == .repack(.quick))
        facts.counts = counts(packs: 20)
        // Full repacks wait for the schedule; outside it a quick one consolidates.
        #expect(decide(facts).work == .repack(.quick))
        facts.checkDue = true
        #expect(decide(facts).work == .repack(.full))
        #expect(decide(facts) { $0.force = true }.work == .repack(.full))
        facts.counts = counts()
        facts.checkDue = false
        #expect(decide(facts).work == .nothing)
        // A changed repo whose check is due gets at least a quick repack, and its check moves on.
        facts.checkDue = true
        let aged = decide(facts)
        #expect(aged.work == .repack(.quick) && aged.reschedule)
        #expect(decide(facts) { $0.repackEnabled = false }.work == .fsck)
    }

    @Test func repackAllFlags() {
        var facts = FsckDecision.Facts(counts: counts(loose: 1, packs: 1))
        #expect(decide(facts) { $0.repackAllQuick = true }.work == .repack(.quick))
        #expect(decide(facts) { $0.repackAllFull = true }.work == .repack(.full))
        facts.counts = counts(loose: 0, packs: 2)
        #expect(decide(facts) { $0.repackAllQuick = true }.work == .nothing)
        #expect(decide(facts) { $0.repackAllFull = true }.work == .repack(.full))
        facts.counts = counts(loose: 0, packs: 1)
        #expect(decide(facts) { $0.repackAllFull = true }.work == .nothing)
    }

    @Test func requestedFullRepackHappensAtOnce() {
        var facts = FsckDecision.Facts(counts: counts())
        facts.fullRepackRequested = true
        #expect(decide(facts).work == .repack(.full))
        #expect(decide(facts) { $0.repackEnabled = false }.work == .nothing)
    }

    @Test func alwaysPreciousRepacksOnlyOnScheduleAndFully() {
        var facts = FsckDecision.Facts(counts: counts(loose: 1300))
        facts.fingerprintChanged = true
        facts.precious = true
        #expect(decide(facts) { $0.precious = .always }.work == .nothing)
        facts.checkDue = true
        let outcome = decide(facts) { $0.precious = .always }
        #expect(outcome.work == .repack(.full) && outcome.reschedule)
        // Not yet precious: the first repack turns it on.
        facts.precious = false
        facts.checkDue = false
        #expect(decide(facts) { $0.precious = .always }.work == .repack(.quick))
    }

    @Test func garbageIsPrunedWhenNotRepackingAndSafe() {
        var facts = FsckDecision.Facts(counts: counts(garbage: 3))
        #expect(decide(facts).pruneGarbage)
        facts.safeToPrune = false
        #expect(!decide(facts).pruneGarbage)
        facts.safeToPrune = true
        #expect(!decide(facts) { $0.prune = false }.pruneGarbage)
        facts.fingerprintChanged = true
        facts.counts.loose = 1300
        #expect(!decide(facts).pruneGarbage)
    }

    @Test func objectStoresAreMeasuredWithoutFingerprints() {
        var facts = FsckDecision.Facts(counts: counts(loose: 1300))
        facts.isObjectStore = true
        #expect(decide(facts).work == .repack(.quick))
        facts.counts = counts(packs: 25)
        #expect(decide(facts).work == .repack(.quick))
        facts.checkDue = true
        #expect(decide(facts).work == .repack(.full))
        facts.counts = counts()
        #expect(decide(facts).work == .fsck)
        // Objstore garbage waits for the objstore's own repack.
        facts.counts = counts(garbage: 1)
        #expect(!decide(facts).pruneGarbage)
    }

    // MARK: Recipes

    func recipe(_ kind: RepoKind, _ level: ObjectCounts.RepackLevel = .quick, prune: Bool = true, wasPrecious: Bool = false,
                _ configure: (inout RepackRecipe.Options) -> Void = { _ in }) -> RepackRecipe {
        var options = RepackRecipe.Options()
        configure(&options)
        return RepackRecipe(kind: kind, level: level, safeToPrune: prune, wasPrecious: wasPrecious, options: options)
    }

    @Test func flagsPerKind() {
        #expect(recipe(.standalone).repackArguments == ["-a", "-b", "--unpack-unreachable=yesterday", "-d", "-q"])
        #expect(recipe(.standalone, prune: false).repackArguments == ["-a", "-b", "-d", "-q"])
        #expect(recipe(.borrower).repackArguments == ["-l", "-A", "--unpack-unreachable=yesterday", "-d", "-q"])
        #expect(recipe(.lender(borrowsToo: false), prune: false).repackArguments == ["-a", "-b", "-k", "-d", "-q"])
        #expect(recipe(.lender(borrowsToo: true), prune: false).repackArguments == ["-A", "-l", "-d", "-q"])
        #expect(recipe(.objectStore, prune: false).repackArguments == ["-a", "-k", "-d", "-q"])
        #expect(recipe(.objectStore, prune: true).repackArguments == ["-a", "-d", "-q"])
        #expect(recipe(.standalone, .full, prune: false) { $0.extraFlags = ["--threads=2"]; $0.extraFullFlags = ["--window=250", "--depth=50"] }.repackArguments
                == ["--threads=2", "-a", "-b", "-f", "--pack-kept-objects", "--window=250", "--depth=50", "-d", "-q"])
        #expect(recipe(.objectStore, .full, prune: false) { $0.precious = .always }.repackArguments == ["-a", "-f", "--pack-kept-objects", "-q"])
        #expect(recipe(.lender(borrowsToo: false), prune: false) { $0.precious = .always }.repackArguments == ["-a", "-b", "-q"])
    }

    @Test func followUpsPerKind() {
        #expect(recipe(.standalone).writeCommitGraph)
        #expect(!recipe(.borrower).writeCommitGraph)
        #expect(!recipe(.lender(borrowsToo: true)).writeCommitGraph)
        #expect(!recipe(.standalone) { $0.commitGraph = false }.writeCommitGraph)
        #expect(recipe(.standalone, .full).packAllRefs && !recipe(.standalone).packAllRefs)
        #expect(recipe(.standalone).prune && !recipe(.standalone, prune: false).prune)
        // preciousObjects: off during the repack, back on where it belongs.
        #expect(!recipe(.standalone).preciousDuring && !recipe(.standalone).preciousAfter)
        #expect(recipe(.standalone, wasPrecious: true).preciousAfter)
        #expect(!recipe(.standalone, wasPrecious: true) { $0.precious = .no }.preciousAfter)
        #expect(recipe(.objectStore).preciousAfter && recipe(.lender(borrowsToo: false)).preciousAfter)
        #expect(recipe(.standalone) { $0.precious = .always }.preciousDuring)
    }

    @Test func kindsAndPruneSafety() {
        let borrowers: BorrowerMap = ["/t/parent.git": ["/t/child.git"], "/t/objstore/x.git": ["/t/a.git", "/t/b.git"]]
        #expect(RepoKind.of("/t/objstore/x.git", objstore: "/t/objstore", borrowed: nil, borrowers: borrowers) == .objectStore)
        #expect(RepoKind.of("/t/parent.git", objstore: "/t/objstore", borrowed: nil, borrowers: borrowers) == .lender(borrowsToo: false))
        #expect(RepoKind.of("/t/parent.git", objstore: "/t/objstore", borrowed: "/t/objstore/x.git", borrowers: borrowers) == .lender(borrowsToo: true))
        #expect(RepoKind.of("/t/child.git", objstore: "/t/objstore", borrowed: "/t/parent.git", borrowers: borrowers) == .borrower)
        #expect(RepoKind.of("/t/objstorex.git", objstore: "/t/objstore", borrowed: nil, borrowers: borrowers) == .standalone)
        #expect(RepoKind.isSafeToPrune(.objectStore, fullpath: "/t/objstore/x.git", remoteURLs: ["/t/a.git", "/t/b.git"], borrowers: borrowers))
        // A private repo borrows without being a remote: its objects are not in any ref.
        #expect(!RepoKind.isSafeToPrune(.objectStore, fullpath: "/t/objstore/x.git", remoteURLs: ["/t/a.git"], borrowers: borrowers))
        #expect(!RepoKind.isSafeToPrune(.lender(borrowsToo: false), fullpath: "/t/parent.git", remoteURLs: [], borrowers: borrowers))
        #expect(RepoKind.isSafeToPrune(.borrower, fullpath: "/t/child.git", remoteURLs: [], borrowers: borrowers))
    }

    /// While the borrower scan could not see everywhere, any repository may
    /// lend: each is repacked keeping unreachable objects, none is pruned.
    @Test func anIncompleteBorrowerMapMakesEveryRepositoryALender() throws {
        let dir = TemporaryDirectory()
        try shell("mkdir \"\(dir.path)/$(printf 'p\\351rso')\" && git init -q --bare '\(dir.path)/plain.git'")
        let borrowers = BorrowerMap.scan(toplevel: dir.path, objstore: dir.path + "/objstore")
        #expect(borrowers.unseen.count == 1)
        #expect(RepoKind.of(dir.path + "/plain.git", objstore: dir.path + "/objstore", borrowed: nil, borrowers: borrowers) == .lender(borrowsToo: false))
        #expect(!RepoKind.isSafeToPrune(.standalone, fullpath: dir.path + "/plain.git", remoteURLs: [], borrowers: borrowers))
    }

    // MARK: Schedule, status, errors, report

    @Test func checkDates() throws {
        let day = try #require(CheckDate(iso: "2026-02-27"))
        #expect(day.adding(days: 2).description == "2026-03-01")
        #expect(day.adding(days: 30).description == "2026-03-29")
        #expect(try #require(CheckDate(iso: "2024-12-31")).adding(days: 1).description == "2025-01-01")
        #expect(CheckDate(iso: "never") == nil && CheckDate(iso: "2026-13-01") == nil && CheckDate(iso: "2026-1-01") == nil)
        #expect(day < day.adding(days: 1))
    }

    @Test func scheduleSpreadsNewReposAndRespreadsForcedOnes() throws {
        let today = try #require(CheckDate(iso: "2026-11-22"))
        var random = SystemRandomNumberGenerator()
        #expect(FsckSchedule.firstCheck(today: today, frequency: 30, force: true, using: &random) == today)
        var firsts: Set<CheckDate> = []
        for _ in 0..<300 { firsts.insert(FsckSchedule.firstCheck(today: today, frequency: 30, force: false, using: &random)) }
        #expect(firsts.allSatisfy { $0 >= today && $0 <= today.adding(days: 30) })
        #expect(firsts.count > 10)
        #expect(FsckSchedule.nextCheck(today: today, frequency: 30, force: false, using: &random) == today.adding(days: 30))
        for _ in 0..<100 {
            let next = FsckSchedule.nextCheck(today: today, frequency: 7, force: true, using: &random)
            #expect(next > today && next <= today.adding(days: 7))
        }
    }

    @Test func statusRoundTripsInTheReferenceFormat() throws {
        let text = """
            {
              "/srv/a.git": {
                "lastcheck": "never",
                "nextcheck": "2026-11-30",
                "fingerprint": "0123456789abcdef0123456789abcdef01234567",
                "future_key": [
                  1,
                  2
                ]
              },
              "/srv/objstore/x.git": {
                "lastcheck": "2026-11-01",
                "nextcheck": "bogus",
                "fingerprint": null
              }
            }
            """
        var status = try FsckStatus.decode(Array(text.utf8))
        #expect(String(decoding: status.encode(), as: UTF8.self) == text)
        var record = try #require(status["/srv/a.git"])
        #expect(record.nextCheck?.description == "2026-11-30")
        #expect(status["/srv/objstore/x.git"]?.nextCheck == nil)
        #expect(status["/srv/objstore/x.git"]?.fingerprint == nil)
        let today = try #require(CheckDate(iso: "2026-11-22"))
        record.recordFullRepack(on: today, next: today.adding(days: 30))
        record.recordElapsed(seconds: 3)
        status["/srv/a.git"] = record
        let again = try FsckStatus.decode(status.encode())
        #expect(again["/srv/a.git"]?.object.keys == ["lastcheck", "nextcheck", "fingerprint", "future_key", "lastrepack", "lastfullrepack", "quick_repack_count", "s_elapsed"])
        #expect(again["/srv/a.git"]?.lastCheck == "2026-11-22")
        #expect(throws: FsckStatus.DecodeError.self) { try FsckStatus.decode(Array("[1]".utf8)) }
        #expect(throws: FsckStatus.DecodeError.self) { try FsckStatus.decode(Array("{\"/a\": 1}".utf8)) }
        #expect(throws: FsckStatus.DecodeError.self) { try FsckStatus.decode(Array("{\"/a\": {".utf8)) }
    }

    @Test func errorLinesAreFilteredAndRecloneReasonsFound() {
        let filter = ErrorLineFilter(ignore: FsckSettings.defaultIgnoreErrors, reclone: FsckSettings.defaultRecloneOnErrors)
        let output = "notice: HEAD points to an unborn branch\n\nerror: refs/heads/x: invalid sha1 pointer\nmissing blob 0123\r\nwarning in tag 1: missingTaggerEntry: invalid format\n"
        let (errors, ignored) = filter.split(output)
        #expect(errors == ["error: refs/heads/x: invalid sha1 pointer", "missing blob 0123"])
        #expect(ignored.count == 2)
        #expect(filter.recloneReason(in: errors) == "missing blob 0123")
        #expect(filter.recloneReason(in: ["error: something else"]) == nil)
        // Empty patterns (a blank config line) match nothing, unlike the reference.
        #expect(ErrorLineFilter(ignore: [""], reclone: [""]).split("bad").errors == ["bad"])
        #expect(ErrorLineFilter(ignore: [""], reclone: [""]).recloneReason(in: ["bad"]) == nil)
    }

    @Test func reportMessage() {
        let report = FsckReport(lines: ["/srv/a.git reports errors:", "\tmissing blob 0123", "." + String(repeating: "x", count: 1200)],
                                from: "Grok <grok@example.org>", to: "admin@example.org, Other <o@example.org>",
                                subject: FsckReport.defaultSubject(hostname: "mirror1", configPath: "/etc/grokmirror/x.conf"))
        let text = String(decoding: report.message(date: 1_795_000_000, hostname: "mirror1", uniqueID: "1.2.3"), as: UTF8.self)
        #expect(text.hasPrefix("From: Grok <grok@example.org>\r\nTo: admin@example.org, Other <o@example.org>\r\nSubject: grok-fsck errors on mirror1 (/etc/grokmirror/x.conf)\r\nDate: "))
        #expect(text.contains("\r\nMessage-ID: <1.2.3@mirror1>\r\n"))
        #expect(text.contains("\r\n\r\n/srv/a.git reports errors:\r\n\tmissing blob 0123\r\n"))
        #expect(text.split(separator: "\r\n", omittingEmptySubsequences: false).allSatisfy { $0.utf8.count <= 998 })
        #expect(FsckReport.addresses(in: "admin@example.org, Other <o@example.org>") == ["admin@example.org", "o@example.org"])
        #expect(FsckReport.encodedHeaderValue("grok-fsck errors on spiegel (/etc/größe.conf)") == "=?utf-8?b?Z3Jvay1mc2NrIGVycm9ycyBvbiBzcGllZ2VsICgvZXRjL2dyw7bDn2UuY29uZik=?=")
        let date = FsckReport.rfc5322Date(1_795_000_000).split(separator: " ")
        #expect(date.count == 6 && date[0].hasSuffix(",") && date[2].count == 3 && date[3] == "2026")
        #expect(date[5].count == 5 && (date[5].hasPrefix("+") || date[5].hasPrefix("-")))
        #expect(NumberFormat.humanSize(1536) == "1.50 MiB" && NumberFormat.humanSize(12) == "12.00 KiB")
    }
}
