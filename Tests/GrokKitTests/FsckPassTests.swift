import Testing
@testable import GrokKit

/// grok-fsck's passes on plain values: what the reconcile does with the
/// manifest's entries, and which steps the analysis asks for.
@Suite struct FsckPassTests {
    typealias Entry = FsckReconcilePlan.Entry

    func entry(_ gitdir: String, directory: Bool = true, inStatus: Bool = true, clean: Bool = true) -> Entry {
        Entry(gitdir: Gitdir(gitdir), fullpath: clean ? "/srv/git" + gitdir : nil, isDirectory: directory, inStatus: inStatus)
    }

    @Test func reconcileAddsNewRepositoriesAndIgnoresUncleanEntriesInManifestOrder() {
        let plan = FsckReconcilePlan(entries: [entry("/b.git", inStatus: false), entry("/../x.git", clean: false), entry("/a.git"),
                                               entry("/c.git", inStatus: false)])
        #expect(plan.steps == [.add(fullpath: "/srv/git/b.git"), .ignore(Gitdir("/../x.git")), .add(fullpath: "/srv/git/c.git")])
        #expect(plan.removal == .nothingGone)
    }

    @Test func reconcileRemovesWhatIsGoneInGitdirOrderWithinTheProtection() {
        let entries = (1...10).map { entry("/keep\($0).git") } + [entry("/z.git", directory: false), entry("/m.git", directory: false, inStatus: false)]
        let plan = FsckReconcilePlan(entries: entries)
        #expect(plan.steps.isEmpty, "a repository gone from disk is not added to the status")
        #expect(plan.removal == .remove([.init(gitdir: Gitdir("/m.git"), fullpath: "/srv/git/m.git"), .init(gitdir: Gitdir("/z.git"), fullpath: "/srv/git/z.git")]))
    }

    @Test func reconcileKeepsEverythingWhenTheTreeVanishedWholesale() {
        let gone = ["/a.git", "/b.git", "/c.git", "/d.git"].map { entry($0, directory: false) }
        let plan = FsckReconcilePlan(entries: gone + [entry("/e.git", inStatus: false)])
        guard case .refused(let count, let why) = plan.removal else { Issue.record("\(plan.removal)"); return }
        #expect(count == 4 && why == RemovalProtection.standard.refusal(removing: 4, of: 5))
        #expect(plan.steps == [.add(fullpath: "/srv/git/e.git")], "a present repository is still added")
    }

    @Test func firstStepsForgetRecloneOrMigrate() {
        typealias Standing = FsckAnalysis.Standing
        let path = "/srv/git/a.git"
        #expect(FsckAnalysis.firstSteps(for: path, .objectStore).isEmpty)
        #expect(FsckAnalysis.firstSteps(for: path, .absent).isEmpty)
        #expect(FsckAnalysis.firstSteps(for: path, .unlisted) == [.forget(fullpath: path, logged: true)])
        let gone = Standing.present(gitdir: Gitdir("/a.git"), realpath: path, borrowed: "/srv/git/parent.git", borrowedExists: false)
        #expect(FsckAnalysis.firstSteps(for: path, gone) == [.pointFetchHeadAtDevNull(fullpath: path), .requestReclone(fullpath: path, gitdir: Gitdir("/a.git"))])
        #expect(gone.measured == nil, "a repository whose alternates are gone is not measured")
        let present = Standing.present(gitdir: Gitdir("/a.git"), realpath: "/real/a.git", borrowed: nil, borrowedExists: true)
        #expect(FsckAnalysis.firstSteps(for: path, present) == [.pointFetchHeadAtDevNull(fullpath: path),
                                                                 .migrate(realpath: "/real/a.git", gitdir: Gitdir("/a.git"), borrowed: nil)])
        #expect(present.measured == Gitdir("/a.git"))
        #expect(Standing.unlisted.measured == nil)
    }

    func counts(loose: Int = 0, packs: Int = 1, garbage: Int = 0) -> ObjectCounts {
        var counts = ObjectCounts()
        counts.loose = loose
        counts.packs = packs
        counts.inPack = 100
        counts.garbage = garbage
        return counts
    }

    @Test func repositoryStepsRescheduleThenPruneThenQueue() {
        let path = "/srv/git/a.git"
        var facts = FsckDecision.Facts(counts: counts())
        facts.checkDue = true
        facts.fingerprintChanged = true
        var mode = FsckDecision.Mode()
        mode.prune = false
        let job = FsckJob(fullpath: path, work: .repack(.quick), kind: .standalone, safeToPrune: false, wasPrecious: false)
        #expect(FsckAnalysis.repositorySteps(path, gitdir: Gitdir("/a.git"), kind: .standalone, facts: facts, mode: mode)
                == [.reschedule(fullpath: path), .queue(job, label: path)], "safeToPrune folds in [fsck] prune")
        var garbage = FsckDecision.Facts(counts: counts(garbage: 3))
        garbage.precious = true
        #expect(FsckAnalysis.repositorySteps(path, gitdir: Gitdir("/a.git"), kind: .borrower, facts: garbage, mode: FsckDecision.Mode())
                == [.pruneGarbage(fullpath: path, gitdir: Gitdir("/a.git"), counts: counts(garbage: 3), lendsObjects: false)])
        garbage.checkDue = true
        let check = FsckJob(fullpath: path, work: .fsck, kind: .borrower, safeToPrune: true, wasPrecious: true)
        #expect(FsckAnalysis.repositorySteps(path, gitdir: Gitdir("/a.git"), kind: .borrower, facts: garbage, mode: FsckDecision.Mode()).last
                == .queue(check, label: path))
    }

    @Test func objectStoreStepsTrackNewOrChangedStoresAndRepackThemFully() {
        let store = "/srv/git/objstore/fg.git"
        let today = CheckDate(year: 2026, month: 3, day: 1)!
        var facts = FsckDecision.Facts(counts: counts())
        facts.isObjectStore = true
        let full = FsckJob(fullpath: store, work: .repack(.full), kind: .objectStore, safeToPrune: true, wasPrecious: false)
        #expect(FsckAnalysis.objectStoreSteps(store, facts: facts, record: nil, changed: false, today: today, mode: FsckDecision.Mode())
                == [.track(fullpath: store), .queue(full, label: "fg.git")])
        let later = FsckStatus.Record(nextCheck: today.adding(days: 10), fingerprint: nil)
        #expect(FsckAnalysis.objectStoreSteps(store, facts: facts, record: later, changed: true, today: today, mode: FsckDecision.Mode())
                == [.track(fullpath: store), .queue(full, label: "fg.git")])
        #expect(FsckAnalysis.objectStoreSteps(store, facts: facts, record: later, changed: false, today: today, mode: FsckDecision.Mode()).isEmpty)
        let due = FsckStatus.Record(nextCheck: today, fingerprint: nil)
        let check = FsckJob(fullpath: store, work: .fsck, kind: .objectStore, safeToPrune: true, wasPrecious: false)
        #expect(FsckAnalysis.objectStoreSteps(store, facts: facts, record: due, changed: false, today: today, mode: FsckDecision.Mode())
                == [.queue(check, label: "fg.git")])
    }
}
