import Testing
@testable import GrokKit

/// The objstore upkeep decisions on values: merge destination, manifest
/// links, baselines, island cores, blob overlap.
@Suite struct ObjectStorePlanTests {
    @Test func mergeDestinationHasTheMostSiblingsAndTiesAreStable() {
        #expect(ObjectStorePlan.mergeDestination(siblingCounts: ["/o/a.git": 1, "/o/b.git": 3, "/o/c.git": 2]) == "/o/b.git")
        #expect(ObjectStorePlan.mergeDestination(siblingCounts: ["/o/z.git": 2, "/o/a.git": 2, "/o/m.git": 2]) == "/o/a.git")
        #expect(ObjectStorePlan.mergeDestination(siblingCounts: [:]) == nil)
    }

    @Test func manifestLinksNameTheFirstSiblingAsReference() {
        let links = ObjectStorePlan.manifestLinks(forkgroup: "fg", gitdirs: ["/b.git", "/a.git", "/c.git"])
        #expect(links.map(\.gitdir) == ["/b.git", "/a.git", "/c.git"])
        #expect(links.map(\.reference) == [nil, "/b.git", "/b.git"])
        #expect(links.allSatisfy { $0.forkgroup == "fg" })
        #expect(ObjectStorePlan.manifestLinks(forkgroup: "fg", gitdirs: []).isEmpty)
    }

    @Test func recordingLinksChangesOnlyEntriesThatSayOtherwise() throws {
        let hash = String(repeating: "a", count: 40)
        var manifest = try Manifest.decode(Array("""
            {"/a.git": {"fingerprint": "\(hash)", "forkgroup": "fg", "reference": null},
             "/b.git": {"fingerprint": "\(hash)", "forkgroup": "old", "reference": null},
             "/c.git": {"fingerprint": "\(hash)", "forkgroup": "fg"}}
            """.utf8))
        let links = ObjectStorePlan.manifestLinks(forkgroup: "fg", gitdirs: ["/a.git", "/b.git", "/gone.git"])
        #expect(ObjectStorePlan.record(links, in: &manifest))
        #expect(manifest[Gitdir("/b.git")]?.forkgroup == "fg" && manifest[Gitdir("/b.git")]?.reference == "/a.git")
        #expect(!manifest.contains(Gitdir("/gone.git")))
        #expect(!ObjectStorePlan.record(links, in: &manifest), "recorded links are no change")
        // An entry without a reference key gets one (null), as grokmirror 1.x replicas need.
        #expect(ObjectStorePlan.record(ObjectStorePlan.manifestLinks(forkgroup: "fg", gitdirs: ["/c.git"]), in: &manifest))
        #expect(manifest[Gitdir("/c.git")]?.object["reference"] == .null)
    }

    @Test func baselinesAndIslandCores() {
        let siblings = [ObjectStorePlan.Sibling(virtref: "bbbbbbbbbbbb", gitdir: "/pub/torvalds/linux.git"),
                        ObjectStorePlan.Sibling(virtref: "aaaaaaaaaaaa", gitdir: "/pub/stable/linux.git"),
                        ObjectStorePlan.Sibling(virtref: "cccccccccccc", gitdir: "/pub/someone/linux.git")]
        #expect(ObjectStorePlan.alternateRefsPrefixes(siblings: siblings, baselines: [Glob("/pub/torvalds/*"), Glob("/pub/stable/*")])
                == "refs/virtual/aaaaaaaaaaaa/heads/ refs/virtual/bbbbbbbbbbbb/heads/")
        #expect(ObjectStorePlan.alternateRefsPrefixes(siblings: siblings, baselines: [Glob("/nothing/*")]) == nil)
        #expect(ObjectStorePlan.islandCore(siblings: siblings, islandCores: [Glob("/pub/*/linux.git")]) == "bbbbbbbbbbbb")
        #expect(ObjectStorePlan.islandCore(siblings: siblings, islandCores: []) == nil)
    }

    @Test func blobOverlapMustHoldBothWays() {
        let base = ["a": 100, "b": 100, "c": 100, "d": 100]
        #expect(ObjectStorePlan.sharesBlobs(base, ["a": 100, "b": 100, "c": 100, "d": 100, "e": 10]))
        // Shared blobs are all of the small one but a fraction of the large one.
        #expect(!ObjectStorePlan.sharesBlobs(["a": 100], base))
        #expect(!ObjectStorePlan.sharesBlobs(base, ["x": 5]))
        #expect(!ObjectStorePlan.sharesBlobs([:], [:]))
    }
}
