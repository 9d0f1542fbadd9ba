import Testing
@testable import GrokKit

@Suite struct ManifestDecisionTests {
    let info = RepoInfo(fingerprint: "f", modified: 10, head: "ref: refs/heads/main", description: nil, owner: nil, forkgroup: nil, borrowed: nil)

    @Test func fullWalkRules() {
        #expect(ManifestTargets.needsFullWalk(purge: false, paths: [], manifestIsEmpty: false))
        #expect(ManifestTargets.needsFullWalk(purge: true, paths: ["/x"], manifestIsEmpty: false))
        #expect(ManifestTargets.needsFullWalk(purge: false, paths: ["/x"], manifestIsEmpty: true))
        #expect(!ManifestTargets.needsFullWalk(purge: false, paths: ["/x"], manifestIsEmpty: false))
    }

    @Test func vanishedEntries() {
        var manifest = Manifest()
        manifest["/a.git"] = ManifestEntry()
        manifest["/b.git"] = ManifestEntry()
        #expect(ManifestTargets.vanished(in: manifest, found: ["/a.git", "/c.git"]) == ["/b.git"])
        manifest["/sub/c.git"] = ManifestEntry()
        manifest["/subway.git"] = ManifestEntry()
        // Below a directory the walk could not read, nothing counts as gone.
        #expect(ManifestTargets.vanished(in: manifest, found: ["/a.git"], unreadable: ["/sub"]) == ["/b.git", "/subway.git"])
    }

    @Test func referenceForPlainAlternates() {
        var borrowing = info
        borrowing.borrowed = "/srv/git/pub/parent.git"
        #expect(ManifestEntryUpdate.reference(previous: nil, info: borrowing, objstoreSiblingURLs: [], toplevel: "/srv/git") == "/pub/parent.git")
        #expect(ManifestEntryUpdate.reference(previous: nil, info: info, objstoreSiblingURLs: [], toplevel: "/srv/git") == nil)
    }

    @Test func referenceForForkgroups() {
        var fork = info
        fork.forkgroup = "fg"
        fork.borrowed = "/srv/git/objstore/fg.git"
        let urls = ["/srv/git/pub/z.git", "/srv/git/pub/b.git"]
        #expect(ManifestEntryUpdate.reference(previous: nil, info: fork, objstoreSiblingURLs: urls, toplevel: "/srv/git") == "/pub/b.git")
        var previous = ManifestEntry()
        previous.forkgroup = "fg"
        previous.reference = "/pub/kept.git"
        #expect(ManifestEntryUpdate.reference(previous: previous, info: fork, objstoreSiblingURLs: urls, toplevel: "/srv/git") == "/pub/kept.git")
        #expect(ManifestEntryUpdate.reference(previous: nil, info: fork, objstoreSiblingURLs: [], toplevel: "/srv/git") == nil)
    }

    @Test func applyKeepsUnknownKeysAndDropsVanishedOptionalOnes() {
        var previous = ManifestEntry()
        previous.object["x-extra"] = .string("keep me")
        previous.description = "old"
        previous.owner = "old owner"
        previous.forkgroup = "oldfg"
        let entry = ManifestEntryUpdate.apply(info, to: previous, reference: nil)
        #expect(entry.object["x-extra"] == .string("keep me"))
        #expect(entry.description == nil && entry.owner == nil && entry.forkgroup == nil)
        #expect(entry.object["reference"] == .null)
        #expect(entry.fingerprint == "f" && entry.modified == 10 && entry.head == "ref: refs/heads/main")
        let fresh = ManifestEntryUpdate.apply(info, to: nil, reference: "/r.git")
        #expect(fresh.object.keys == ["modified", "fingerprint", "head", "reference"])
    }
}
