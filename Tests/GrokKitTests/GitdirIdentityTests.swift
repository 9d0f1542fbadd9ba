import Testing
@testable import GrokKit

/// Gitdirs and paths are bytes: `café` in NFC and in NFD, canonically
/// equal as Swift strings, are two repositories everywhere (issue 15.1).
@Suite struct GitdirIdentityTests {
    let nfc = "/pub/caf\u{E9}.git"
    let nfd = "/pub/cafe\u{301}.git"

    @Test func spellingsSwiftCallsEqualAreTwoGitdirs() {
        #expect(nfc == nfd, "the premise: String equality is canonical")
        #expect(Gitdir(nfc) != Gitdir(nfd))
        #expect(Set([Gitdir(nfc), Gitdir(nfd)]).count == 2)
        #expect(Set([ExactKey(nfc), ExactKey(nfd)]).count == 2)
        #expect([Gitdir(nfc), Gitdir(nfd), Gitdir("/pub/z.git")].sorted() == [Gitdir(nfd), Gitdir(nfc), Gitdir("/pub/z.git")], "byte order, as Python sorts")
    }

    func entry(_ fingerprint: Character) -> String {
        "{\"fingerprint\": \"\(String(repeating: fingerprint, count: 40))\", \"modified\": 1}"
    }

    @Test func theManifestKeepsBothEntriesThroughARewrite() throws {
        let json = "{\"\(nfc)\": \(entry("1")), \"\(nfd)\": \(entry("2"))}"
        var manifest = try Manifest.decode(Array(json.utf8))
        #expect(manifest.count == 2)
        #expect(manifest[Gitdir(nfc)]?.fingerprint == String(repeating: "1", count: 40))
        #expect(manifest[Gitdir(nfd)]?.fingerprint == String(repeating: "2", count: 40))
        manifest[Gitdir(nfd)]?.description = "changed"
        for pretty in [false, true] {
            let again = try Manifest.decode(manifest.encode(pretty: pretty))
            // Pretty output sorts keys by code point, as json.dumps(sort_keys=True).
            #expect(again.gitdirs == (pretty ? [Gitdir(nfd), Gitdir(nfc)] : [Gitdir(nfc), Gitdir(nfd)]), "pretty: \(pretty)")
            #expect(again[Gitdir(nfc)]?.description == nil && again[Gitdir(nfd)]?.description == "changed")
        }
        manifest.remove([Gitdir(nfc)])
        #expect(manifest.gitdirs == [Gitdir(nfd)])
    }

    @Test func keysThatAreNotUTF8AreLeftOutAndNamed() throws {
        let json = "{\"/pub/x\\ud800.git\": \(entry("1")), \"/pub/x\\udbff.git\": \(entry("2")), \"/pub/ok\\u00e9.git\": \(entry("3"))}"
        let manifest = try Manifest.decode(Array(json.utf8))
        #expect(manifest.gitdirs == [Gitdir("/pub/ok\u{E9}.git")])
        #expect(manifest.undecodable.map(\.spelling) == ["/pub/x\\ud800.git", "/pub/x\\udbff.git"])
        let culled = try PullPlan.cull(manifest, include: [Glob("*")], exclude: [], reserved: [])
        #expect(culled.entries.map(\.gitdir) == [Gitdir("/pub/ok\u{E9}.git")])
        #expect(culled.rejected.count == 2)
        #expect(culled.rejected.allSatisfy { $0.description.contains("not valid UTF-8") })
        #expect(culled.rejected.first?.description.contains("\"/pub/x\\ud800.git\"") == true, "\(culled.rejected)")
        // A surrogate pair is one valid scalar, not a rejection.
        let pair = try Manifest.decode(Array("{\"/pub/\\ud83d\\ude00.git\": \(entry("4"))}".utf8))
        #expect(pair.gitdirs == [Gitdir("/pub/\u{1F600}.git")] && pair.undecodable.isEmpty)
    }

    @Test func queuesLocksAndInboxesKeepThemApart() {
        var queue = PullQueue()
        for gitdir in [nfc, nfd] { queue.submit(PullPlan.Job(gitdir: Gitdir(gitdir), entry: ManifestEntry(), action: .initialize)) }
        #expect(queue.waiting.count == 2)
        let first = queue.next { _ in true }, second = queue.next { _ in true }
        #expect(first?.gitdir == Gitdir(nfc) && second?.gitdir == Gitdir(nfd))
        let inbox = NotificationInbox()
        #expect(inbox.add(nfc) == .wake)
        #expect(inbox.add(nfd) == .queued)
        #expect(inbox.drain() == [nfc, nfd])
    }

    @Test func fsckStatusAndStampsKeepBothRecords() throws {
        var status = FsckStatus()
        status["/top" + nfc] = FsckStatus.Record(nextCheck: CheckDate(year: 2026, month: 1, day: 1)!, fingerprint: "a")
        status["/top" + nfd] = FsckStatus.Record(nextCheck: CheckDate(year: 2026, month: 1, day: 2)!, fingerprint: "b")
        let again = try FsckStatus.decode(status.encode())
        #expect(again.count == 2)
        #expect(again["/top" + nfc]?.fingerprint == "a" && again["/top" + nfd]?.fingerprint == "b")
    }

    /// An objstore repository may be pruned only when its sibling remotes
    /// are exactly its borrowers: one spelling as a remote does not cover
    /// the other spelling's objects.
    @Test func pruneSafetyComparesBorrowersByBytes() {
        let store = "/t/objstore/x.git"
        let borrowers: BorrowerMap = [store: ["/t" + nfc, "/t" + nfd]]
        #expect(borrowers.borrowers(of: store).count == 2)
        #expect(!RepoKind.isSafeToPrune(.objectStore, fullpath: store, remoteURLs: ["/t" + nfc], borrowers: borrowers))
        #expect(RepoKind.isSafeToPrune(.objectStore, fullpath: store, remoteURLs: ["/t" + nfd, "/t" + nfc], borrowers: borrowers))
        #expect(!borrowers.lends("/t" + nfc))
    }

    /// Slashes are found in the bytes: `/` + U+0301 is one Character.
    @Test func pathArithmeticSplitsAtEverySlashByte() {
        let odd = "/a/\u{301}b/c.git"
        #expect(PathUtilities.dirname(odd) == "/a/\u{301}b")
        #expect(PathUtilities.basename("/a/\u{301}b") == "\u{301}b")
        #expect(PathUtilities.normalize("/a//\u{301}b/./c.git").utf8.elementsEqual(odd.utf8))
        #expect(PathUtilities.relative("/top" + odd, to: "/top") == String(odd.dropFirst()))
        var parents: [Gitdir] = []
        Gitdir(odd).forEachParent { parents.append($0); return true }
        #expect(parents == [Gitdir("/a/\u{301}b"), Gitdir("/a")])
        #expect(!PathUtilities.isInside("/cafe\u{301}/x", root: "/caf\u{E9}"), "canonically equal is not the same directory")
        #expect(Gitdir.of(fullpath: "/cafe\u{301}/x.git", toplevel: "/caf\u{E9}") == nil)
    }
}
