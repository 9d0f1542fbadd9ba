import Testing
@testable import GrokKit

@Suite struct PullPlanTests {
    let fp1 = String(repeating: "1", count: 40)
    let fp2 = String(repeating: "2", count: 40)

    func entry(_ fingerprint: String?, head: String? = "ref: refs/heads/master", description: String? = nil, owner: String? = nil, symlinks: [Gitdir] = []) -> ManifestEntry {
        var entry = ManifestEntry()
        entry.fingerprint = fingerprint
        entry.head = head
        entry.description = description
        entry.owner = owner
        entry.symlinks = symlinks
        return entry
    }

    @Test func decisions() {
        let remote = entry(fp1)
        #expect(PullPlan.action(remote: remote, local: nil, disk: .init(exists: false), defaultOwner: "G") == .initialize)
        #expect(PullPlan.action(remote: remote, local: remote, disk: .init(exists: true, recloneRequested: true, fingerprint: fp1), defaultOwner: "G") == .reclone)
        #expect(PullPlan.action(remote: remote, local: nil, disk: .init(exists: true, fingerprint: fp1), defaultOwner: "G") == .fixRemotes)
        #expect(PullPlan.action(remote: remote, local: remote, disk: .init(exists: true, fingerprint: fp1), defaultOwner: "G") == nil)
        #expect(PullPlan.action(remote: entry(fp2), local: remote, disk: .init(exists: true, fingerprint: fp1), defaultOwner: "G") == .update(fixParams: false, fetch: true))
        // The disk no longer matches what we recorded: fetch even if the origin agrees with our record.
        #expect(PullPlan.action(remote: remote, local: remote, disk: .init(exists: true, fingerprint: fp2), defaultOwner: "G") == .update(fixParams: false, fetch: true))
        #expect(PullPlan.action(remote: entry(fp1, description: "new"), local: remote, disk: .init(exists: true, fingerprint: fp1), defaultOwner: "G") == .update(fixParams: true, fetch: false))
        #expect(PullPlan.action(remote: entry(fp1, head: "ref: refs/heads/main"), local: remote, disk: .init(exists: true, fingerprint: fp1), defaultOwner: "G") == .update(fixParams: true, fetch: false))
        #expect(PullPlan.action(remote: remote, local: remote, disk: .init(exists: true, fingerprint: fp1, symlinksInPlace: false), defaultOwner: "G") == .update(fixParams: true, fetch: false))
        // A missing owner means default_owner on both sides.
        #expect(PullPlan.action(remote: entry(fp1, owner: "G"), local: remote, disk: .init(exists: true, fingerprint: fp1), defaultOwner: "G") == nil)
    }

    @Test func cullIncludeExcludeFingerprintAndValidation() throws {
        var remote = Manifest()
        remote["/pub/a.git"] = entry(fp1)
        remote["/pub/b.git"] = entry(nil)
        remote["/private/c.git"] = entry(fp1)
        remote["/pub/../etc.git"] = entry(fp1)
        remote["/pub/bad-head.git"] = entry(fp1, head: "ref: refs/heads/../../x")
        remote["/objstore/x.git"] = entry(fp1)
        let culled = try PullPlan.cull(remote, include: [Glob("*")], exclude: [Glob("/private/*")], reserved: [ReservedPath(gitdir: "/objstore", role: "the objstore directory")])
        #expect(culled.entries.map(\.gitdir) == ["/pub/a.git"])
        #expect(culled.withoutFingerprint == ["/pub/b.git"])
        #expect(Set(culled.rejected.map(\.gitdir)) == ["/pub/../etc.git", "/pub/bad-head.git", "/objstore/x.git"])
        #expect(culled.protected.contains("/pub/b.git"))
        #expect(culled.protected.contains("/pub/bad-head.git"))
        #expect(!culled.protected.contains("/pub/../etc.git"))
    }

    @Test(arguments: ["/a.git", "/pub/scm/linux.git", "/x/y z.git"])
    func cleanGitdirs(_ path: String) { #expect(Gitdir(path).isClean) }

    @Test(arguments: ["a.git", "/", "/a//b.git", "/a/./b.git", "/a/../b.git", "/..", "/a.git/", "/a\u{0}b.git", "/a\nb.git", "/a\u{1b}b"])
    func uncleanGitdirs(_ path: String) { #expect(!Gitdir(path).isClean) }

    @Test func validatorRejectsInjection() {
        func check(_ mutate: (inout ManifestEntry) -> Void) -> RemoteEntryValidator.Rejection? {
            var e = entry(fp1)
            mutate(&e)
            return RemoteEntryValidator.validate(gitdir: "/pub/a.git", entry: e, reserved: [])
        }
        #expect(check { _ in } == nil)
        #expect(check { $0.owner = "evil\n[core]\n\tbare = false" } != nil)
        #expect(check { $0.description = "nul\u{0}byte" } != nil)
        #expect(check { $0.head = "ref: refs/heads/master\n[core]" } != nil)
        #expect(check { $0.head = String(repeating: "a", count: 40) } == nil)
        #expect(check { $0.symlinks = ["/../../etc/passwd"] } != nil)
        #expect(check { $0.symlinks = ["/pub/a.git"] } != nil)
        #expect(check { $0.object["fingerprint"] = .string("not hex") } != nil)
        #expect(check { $0.object["modified"] = .string("yesterday") } != nil)
        #expect(check { $0.object["symlinks"] = .string("/x.git") } != nil)
        // A forkgroup is one plain component of the objstore directory.
        #expect(check { $0.forkgroup = "0b1e6c3a-5d2f-4c1e-9a7b-3f2d1c0b9a8e" } == nil)
        for hostile in ["../../escape", "a/b", ".hidden", "", "caf\u{E9}", "x\ny", String(repeating: "a", count: 129)] {
            #expect(check { $0.forkgroup = hostile } != nil, "\(hostile.debugDescription)")
        }
    }

    @Test func purgeRulesAndProtection() {
        var culled = PullPlan.Culled()
        culled.entries = [("/a.git", entry(fp1, symlinks: ["/link.git"])), ("/b.git", entry(fp1))]
        culled.protected = ["/nofp.git"]
        let found: [Gitdir] = ["/a.git", "/b.git", "/link.git", "/gone.git", "/nofp.git", "/keep/x.git", "/ff.git", "/lender.git"]
        let decision = PullPlan.purge(found: found, culled: culled, noPurge: [Glob("/keep/*")], ffOnly: [Glob("/ff.git")],
                                      borrowedFrom: ["/lender.git"], purgeProtect: 50, force: false)
        #expect(decision.purge == ["/gone.git"])
        #expect(decision.refusal == nil)
        #expect(Set(decision.kept.keys) == ["/nofp.git", "/keep/x.git", "/ff.git", "/lender.git"])
        #expect(decision.kept["/lender.git"] == RepositoryDeletion.lendsObjects, "the deletion rule's own words")
        let refused = PullPlan.purge(found: found, culled: culled, noPurge: [], ffOnly: [], borrowedFrom: [], purgeProtect: 5, force: false)
        #expect(refused.purge.isEmpty)
        #expect(refused.refusal != nil)
        let forced = PullPlan.purge(found: found, culled: culled, noPurge: [], ffOnly: [], borrowedFrom: [], purgeProtect: 5, force: true)
        #expect(Set(forced.purge) == ["/gone.git", "/keep/x.git", "/ff.git", "/lender.git"])
    }

    /// A refused reclone tells the admin what was refused, that the
    /// repository is fetched instead, which marker to remove, and for a
    /// lender how to free it.
    @Test func aRecloneRefusalSaysWhatToDo() {
        let lender = RecloneRefusal.message(repository: "/m/pub/a.git", why: "other repositories borrow objects from it (/m/pub/b.git)", lends: true)
        #expect(lender.hasPrefix("Not recloning /m/pub/a.git: other repositories borrow objects from it (/m/pub/b.git); fetching it instead."))
        #expect(lender.contains("Remove /m/pub/a.git/grokmirror.reclone once the repository is repaired"))
        #expect(lender.contains("git repack -a -d") && lender.contains("objects/info/alternates"))
        #expect(!lender.contains("\n"), "one log line")
        let other = RecloneRefusal.message(repository: "/m/pub/a.git", why: "other repositories lie below it", lends: false)
        #expect(other.contains("grokmirror.reclone") && !other.contains("repack"))
    }

    @Test func localEntryRecordsOurForkgroupAndKeepsReference() {
        var remote = entry(fp1)
        remote.forkgroup = "abc"
        remote.object["x-unknown"] = .bool(true)
        let local = PullPlan.localEntry(from: remote, fingerprint: fp2)
        #expect(local.forkgroup == nil, "standalone here")
        #expect(PullPlan.localEntry(from: remote, fingerprint: fp2, forkgroup: "ours").forkgroup == "ours")
        #expect(local.fingerprint == fp2)
        #expect(local.object["reference"] == .null)
        #expect(local.object["x-unknown"] == .bool(true))
    }

    @Test func shellWords() throws {
        #expect(try ShellWords.split("cmd --flag 'two words' \"dq \\\"x\\\"\" back\\ slash") == ["cmd", "--flag", "two words", "dq \"x\"", "back slash"])
        #expect(try ShellWords.split("  ") == [])
        #expect(try ShellWords.split("a ''") == ["a", ""])
        #expect(throws: ShellWords.Error.self) { try ShellWords.split("'open") }
    }

    @Test func projectsList() {
        var manifest = Manifest()
        manifest["/pub/scm/a.git"] = entry(fp1, symlinks: ["/pub/scm/alias.git"])
        manifest["/other/b.git"] = entry(fp1)
        #expect(ProjectsList.render(manifest, trimTop: "/pub/scm", includeSymlinks: false) == "a.git\nother/b.git\n")
        #expect(ProjectsList.render(manifest, trimTop: "", includeSymlinks: true) == "pub/scm/a.git\npub/scm/alias.git\nother/b.git\n")
    }

    @Test func repackLevels() {
        var counts = ObjectCounts(parsing: "count: 0\nsize: 0\nin-pack: 100\npacks: 20\nsize-pack: 50\nprune-packable: 0\ngarbage: 0\nsize-garbage: 0")
        #expect(counts.packs == 20 && counts.inPack == 100)
        #expect(counts.repackLevel() == .full)
        counts.packs = 1
        counts.loose = 1300
        #expect(counts.repackLevel() == .quick)
        counts.loose = 60; counts.inPack = 500
        #expect(counts.repackLevel() == .quick)
        counts.loose = 40
        #expect(counts.repackLevel() == .none)
        counts.looseSizeKiB = 200; counts.packSizeKiB = 1000
        #expect(counts.repackLevel() == .quick)
        counts.loose = 0; counts.looseSizeKiB = 0; counts.inPack = 10; counts.packSizeKiB = 10
        #expect(counts.repackLevel() == .none)
    }

    @Test func forkgroupsFollowLocalThenOriginThenReferencesAndPreferOurObjstores() {
        func with(_ forkgroup: String?, reference: String? = nil) -> ManifestEntry {
            var value = entry(fp1)
            value.forkgroup = forkgroup
            if let reference { value.reference = reference }
            return value
        }
        var local = Manifest()
        local["/here.git"] = with("localfg")
        let entries: [(gitdir: Gitdir, entry: ManifestEntry)] = [
            ("/here.git", with("originfg")),      // the local manifest wins
            ("/new1.git", with("originfg")),
            ("/new2.git", with("originfg")),
            ("/legacy.git", with(nil, reference: "/base.git")),   // 1.x: joins its reference's group
            ("/legacy2.git", with(nil, reference: "/base.git")),
            ("/alone.git", with(nil)),
            ("/joins.git", with("theirs")),
        ]
        var names = ["generated"].makeIterator()
        let assignment = PullPlan.forkgroups(entries: entries, local: local, existing: ["mine": ["/joins.git", "/other.git"]],
                                             newName: { names.next()! })
        #expect(assignment["/here.git"] == "localfg")
        #expect(assignment["/new1.git"] == "originfg" && assignment["/new2.git"] == "originfg")
        #expect(assignment["/legacy.git"] == "generated" && assignment["/legacy2.git"] == "generated")
        #expect(assignment["/alone.git"] == nil)
        // An origin group sharing a member with one of our objstores takes its name.
        #expect(assignment["/joins.git"] == "mine")
    }
}
