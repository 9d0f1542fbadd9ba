import Foundation
import Testing
import TestSupport
import GrokKit

/// What the tools cannot see they do not delete: a borrower or a nested
/// repository under a directory whose name is not UTF-8 (no path string
/// reaches it) keeps its lender and its parent; a mirrored repository that
/// happens to be named `<gitdir>.reclone` is not taken for a reclone's
/// leftover; a `symlinks` entry does not delete a repository this mirror
/// did not clone; an argument that is not UTF-8 is refused.
@Suite(.serialized) struct UnseenPathSafetyTests {
    /// `\xe9`: Latin-1 é, not UTF-8.
    static let latin1 = "$(printf 'p\\351rso')"

    func mirrored(_ repos: Int) throws -> PullFixture {
        let f = try PullFixture(repos: repos)
        let first = try f.runPull()
        #expect(first.status == 0, "\(first.stderr)")
        return f
    }

    func dropFromOrigin(_ f: PullFixture, _ gitdir: String) throws {
        try shell("rm -rf '\(f.origin + gitdir)'")
        try f.regenerateOriginManifest()
    }

    /// Where the purged repository's borrower or nested repository hides,
    /// relative to the mirror, and what grok-pull says.
    enum Hidden: String, CaseIterable {
        case borrower, nested
        var place: String { self == .borrower ? "/\(UnseenPathSafetyTests.latin1)/fork.git" : "/pub/project1/repo1.git/\(UnseenPathSafetyTests.latin1)/nested.git" }
        var refusal: String { self == .borrower ? "Not purging:" : "Not purging /" }
    }

    /// A lender whose borrower, or a repository holding one, out of sight
    /// is not purged, and what hides stays whole.
    @Test(arguments: Hidden.allCases) func aRepositoryWithSomethingOutOfSightIsNotPurged(_ hidden: Hidden) throws {
        let f = try mirrored(3)
        let repo = "/pub/project1/repo1.git"
        try shell("mkdir -p \"$(dirname \"\(f.mirror)\(hidden.place)\")\" && git clone -q --bare --shared '\(f.mirror + repo)' \"\(f.mirror)\(hidden.place)\"")
        try dropFromOrigin(f, repo)
        let run = try f.runPull(["-p", "--force-purge"])
        #expect(run.stderr.contains(hidden.refusal) && run.stderr.contains("cannot be looked into"), "\(run.stderr)")
        #expect(BareRepository.isBare(f.mirror + repo), "kept")
        try shell("git --git-dir=\"\(f.mirror)\(hidden.place)\" fsck --no-progress 2>&1")
    }

    @Test func aListedRepositoryNamedLikeARecloneLeftoverIsKept() throws {
        let f = try PullFixture(repos: 2)
        let aside = "/pub/x.git.reclone"
        try makeRepository(at: f.origin + aside)
        try f.regenerateOriginManifest()
        #expect(try f.runPull().status == 0)
        try shell("git clone -q --bare --shared '\(f.mirror + aside)' '\(f.mirror)/pub/localfork.git'")
        try makeRepository(at: f.origin + "/pub/x.git")
        try f.regenerateOriginManifest()
        let run = try f.runPull()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("cleanup: /pub/x.git.reclone"), "\(run.stderr)")
        #expect(try referenceFingerprint(f.mirror + aside) == (try referenceFingerprint(f.origin + aside)), "still mirrored")
        try shell("git --git-dir='\(f.mirror)/pub/localfork.git' fsck --no-progress 2>&1")
        try f.expectMirrorEqualsOrigin()
    }

    @Test func aSymlinkEntryDoesNotDeleteARepositoryThisMirrorDidNotClone() throws {
        let f = try mirrored(2)
        let foreign = "/pub/foreign.git"
        try makeRepository(at: f.mirror + foreign)
        try shell("ln -s project1/repo1.git '\(f.origin + foreign)'")
        try f.regenerateOriginManifest()
        let run = try f.runPull()
        #expect(run.stderr.contains("Not replacing \(f.mirror + foreign)") && run.stderr.contains("no mirror remote"), "\(run.stderr)")
        #expect(BareRepository.isBare(f.mirror + foreign) && !FileSystem.isSymlink(f.mirror + foreign))
    }

    @Test func argumentsThatAreNotUTF8AreRefused() throws {
        let dir = TemporaryDirectory()
        for tool in ["grok-manifest", "grok-pull", "grok-fsck"] {
            let out = try shell("'\(Tools.ours(tool))' -c \"\(dir.path)/$(printf 'r\\375').conf\" 2>&1 || echo \"exit $?\"", expectSuccess: false)
            #expect(out.contains("is not valid UTF-8") && out.contains("exit 2"), "\(tool): \(out)")
        }
    }
}
