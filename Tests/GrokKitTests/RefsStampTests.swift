import Glibc
import Testing
import TestSupport
@testable import GrokKit

/// A fingerprint remembered with its `RefsStamp` is reused only while the
/// ref and object files it was computed from are unchanged: after every
/// kind of change git makes, the answer equals `git show-ref | sha1sum`.
@Suite struct RefsStampTests {
    let dir = TemporaryDirectory()
    let reader = FingerprintReader(git: GitRunner())
    /// A `now` far enough ahead that fresh test files are not "racy".
    var later: Int { Int(time(nil)) + 100 }

    /// Stamps `repo`, applies `change`, and checks the next answer.
    func afterChange(_ repo: String, _ change: String, expectReuse: Bool = false, ignoring: [Glob] = [],
                     sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (_, _, first) = try await reader.fingerprint(gitDir: repo, ignoring: [], known: nil, now: later)
        let known = try #require(first, "a packed, settled repository is stampable", sourceLocation: sourceLocation)
        try shell("cd '\(repo)' && \(change)")
        let (fingerprint, source, _) = try await reader.fingerprint(gitDir: repo, ignoring: ignoring, known: known, now: later)
        #expect((source == .stamp) == expectReuse, "\(change): source \(source)", sourceLocation: sourceLocation)
        if ignoring.isEmpty {
            #expect(fingerprint.value == (try referenceFingerprint(repo)), "\(change)", sourceLocation: sourceLocation)
        }
    }

    func freshRepository(_ name: String) throws -> String {
        let repo = dir.file(name)
        try makeRepository(at: repo, packed: true)
        return repo
    }

    @Test func unchangedRepositoryIsAnsweredFromTheStamp() async throws {
        try await afterChange(try freshRepository("same.git"), "true", expectReuse: true)
        try await afterChange(try freshRepository("touched.git"), "cat HEAD description >/dev/null", expectReuse: true)
    }

    @Test func everyRefChangeIsSeen() async throws {
        let changes = [
            "git --git-dir=. update-ref refs/heads/master dev",
            "git --git-dir=. update-ref refs/heads/new master",
            "git --git-dir=. update-ref -d refs/heads/dev",
            "git --git-dir=. update-ref refs/heads/new master && git --git-dir=. pack-refs --all",
            "git --git-dir=. update-ref refs/changes/01/1/1 master",
            "sed -i 's/refs\\/heads\\/dev/refs\\/heads\\/dex/' packed-refs",
            "git --git-dir=. symbolic-ref refs/heads/alias refs/heads/master",
        ]
        for (index, change) in changes.enumerated() { try await afterChange(try freshRepository("ref\(index).git"), change) }
    }

    @Test func objectsDisappearingAreSeen() async throws {
        // The packs go: show-ref fails, so there is no fingerprint.
        try await afterChange(try freshRepository("nopack.git"), "rm -f objects/pack/*")
        // A ref target held only loose, then pruned away.
        let loose = try freshRepository("loose.git")
        try shell("""
            cd '\(loose)'
            c=$(git --git-dir=. commit-tree -m loose -p master "$(git --git-dir=. rev-parse 'master^{tree}')")
            git --git-dir=. update-ref refs/heads/loose "$c"
            """)
        try await afterChange(loose, "rm -f objects/$(git --git-dir=. rev-parse refs/heads/loose | cut -c1-2)/*")
    }

    @Test func alternatesAndIgnoreGlobsAreSeen() async throws {
        let lender = try freshRepository("lender.git")
        let borrower = dir.file("borrower.git")
        try shell("git clone -q --bare --shared '\(lender)' '\(borrower)'")
        try await afterChange(borrower, "rm -f '\(lender)'/objects/pack/*")
        let other = try freshRepository("other.git")
        try await afterChange(other, "echo '\(lender)/objects' > objects/info/alternates")
        try await afterChange(try freshRepository("globs.git"), "true", ignoring: [Glob("refs/tags/*")])
    }

    @Test func symlinkedPartsAreNeverStamped() async throws {
        for (name, part) in [("refs.git", "refs"), ("packs.git", "objects/pack"), ("alternates.git", "objects/info/alternates")] {
            let repo = try freshRepository(name)
            try shell("cd '\(repo)' && touch objects/info/alternates && mv \(part) '\(dir.path)/\(name).away' && ln -s '\(dir.path)/\(name).away' \(part)")
            let (_, _, stamped) = try await reader.fingerprint(gitDir: repo, ignoring: [], known: nil, now: later)
            #expect(stamped == nil, "\(part) is a symlink: its target's changes would not show in the stamp")
        }
    }

    @Test func aJustChangedRepositoryIsNotStamped() async throws {
        let repo = try freshRepository("racy.git")
        let (_, _, stamped) = try await reader.fingerprint(gitDir: repo, ignoring: [], known: nil, now: Int(time(nil)))
        #expect(stamped == nil, "files changed within \(RefsStamp.racyMargin) s may change again in the same tick")
    }

    @Test func stampCacheRoundTripsAndIgnoresForeignFiles() throws {
        var cache = FingerprintStampCache(manifestPath: dir.file("manifest.js.gz"))
        #expect(cache.path == dir.file(".manifest.js.gz.stamps"))
        let entry = StampedFingerprint(stamp: String(repeating: "a", count: 40),
                                       fingerprint: Fingerprint(value: String(repeating: "b", count: 40), ignoredAnyRef: true), looseFanouts: ["0/ab", "1/cd"])
        cache.record("/srv/git/pub/a b.git", entry)
        cache.record("/srv/git/bad\nname.git", entry)
        cache.save()
        var again = FingerprintStampCache(manifestPath: dir.file("manifest.js.gz"))
        again.load()
        #expect(again.known("/srv/git/pub/a b.git") == entry)
        #expect(again.known("/srv/git/bad\nname.git") == nil)
        dir.write(".other.js.stamps", "not ours\n")
        var foreign = FingerprintStampCache(manifestPath: dir.file("other.js"))
        foreign.load()
        foreign.record("/x.git", entry)
        foreign.save()
        #expect(FileSystem.readString(dir.file(".other.js.stamps")) == "not ours\n")
    }
}
