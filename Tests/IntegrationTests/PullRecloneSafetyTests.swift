import Foundation
import Testing
import TestSupport
import GrokKit

/// A `grokmirror.reclone` marker in a repository other repositories borrow
/// objects from (placed by an admin, an older tool, or before the borrowing
/// began) never makes grok-pull delete it: the reclone is refused and
/// logged, the repository fetched instead, the run exits 1, and the marker
/// stays for the admin.
@Suite(.serialized) struct PullRecloneSafetyTests {
    static let lender = "/pub/project1/repo1.git"
    static let borrower = "/pub/forks/fork.git"

    /// An origin with a repository and a fork of it, mirrored; then the
    /// mirror's fork borrows from the mirror's original through its
    /// alternates (`relative` or absolute) and keeps only what the
    /// original lacks. The original carries a reclone marker, and the
    /// origin has rewritten its history: a fresh clone of it would lack
    /// the objects the fork reads from it (a fetch keeps them).
    static func markedLender(relative: Bool, extraConfig: String = "") throws -> PullFixture {
        let f = try PullFixture(repos: 2)
        try shell("git clone -q --bare '\(f.origin + lender)' '\(f.origin + borrower)'")
        try PullServiceTests.commit(f.origin + borrower, "fork")
        try f.regenerateOriginManifest()
        let first = try f.runPull()
        #expect(first.status == 0, "\(first.stderr)")
        let b = f.mirror + borrower
        // git reads a relative entry from the borrower's objects directory;
        // `repack -l` drops what the lender has only from packs, hence the
        // first repack (a small fetch leaves loose objects).
        let alternates = relative ? "../../../project1/repo1.git/objects" : f.mirror + lender + "/objects"
        try shell("""
            set -e
            git --git-dir='\(b)' repack -a -d -q
            echo '\(alternates)' > '\(b)/objects/info/alternates'
            git --git-dir='\(b)' repack -a -d -l -q
            cp -R '\(b)' '\(f.dir.file("alone.git"))' && rm '\(f.dir.file("alone.git"))/objects/info/alternates'
            if git --git-dir='\(f.dir.file("alone.git"))' fsck --no-progress >/dev/null 2>&1; then echo 'the fork does not need the original' >&2; exit 1; fi
            echo 'fsck: missing blob' > '\(f.mirror + lender)/grokmirror.reclone'
            """)
        try shell("""
            set -e; cd '\(f.origin + lender)'
            git update-ref refs/heads/master $(git commit-tree -m rewritten $(git mktree </dev/null))
            git update-ref -d refs/heads/dev && git tag -d v1 >/dev/null
            """)
        try f.regenerateOriginManifest()
        if !extraConfig.isEmpty { f.writeConfig(extra: extraConfig) }
        return f
    }

    /// The lender is still the same repository, current, marked; its
    /// borrower is whole.
    static func expectLenderKept(_ f: PullFixture, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let a = f.mirror + lender
        #expect(BareRepository.isBare(a), sourceLocation: sourceLocation)
        #expect(FileSystem.exists(a + "/grokmirror.reclone"), "the admin decides", sourceLocation: sourceLocation)
        #expect(!FileSystem.exists(a + ".reclone"), sourceLocation: sourceLocation)
        #expect(try referenceFingerprint(a) == (try referenceFingerprint(f.origin + lender)), "fetched", sourceLocation: sourceLocation)
        try shell("git --git-dir='\(f.mirror + borrower)' fsck --no-progress 2>&1")
        try shell("git --git-dir='\(a)' fsck --no-progress 2>&1")
    }

    static func refusal(_ f: PullFixture) -> String {
        "Not recloning \(f.mirror + lender): other repositories borrow objects from it (\(f.mirror + borrower)); fetching it instead"
    }

    /// Two one-shot runs: each refuses the reclone in one error line
    /// naming the borrower, fetches the lender and exits 1; nothing is
    /// deleted, and the second run plans it again though the origin's
    /// manifest did not change.
    @Test func aRecloneOfALenderIsRefusedAndItIsFetchedInstead() throws {
        let f = try Self.markedLender(relative: false)
        for attempt in 1...2 {
            let run = try f.runPull()
            #expect(run.status == 1, "run \(attempt): \(run.stderr)")
            let lines = run.stderr.split(separator: "\n").filter { $0.contains(Self.refusal(f)) }
            #expect(lines.count == 2, "run \(attempt): the error and the failure summary: \(run.stderr)")
            #expect(run.stderr.contains("Remove \(f.mirror + Self.lender)/grokmirror.reclone"), "\(run.stderr)")
            try Self.expectLenderKept(f)
            try f.expectMirrorEqualsOrigin()
        }
    }

    /// grok-pull -o: the refused reclone is tried once per planning pass
    /// (each refresh), never in a loop, and nothing is deleted meanwhile;
    /// the borrower reads through a relative alternates path.
    @Test func theServiceRefusesOncePerPass() throws {
        let f = try Self.markedLender(relative: true, extraConfig: "refresh = 1")
        let daemon = try PullServiceTests.Daemon(f)
        let refusals = { PullServiceTests.log(f).components(separatedBy: "\n").filter { $0.contains("ERROR - " + Self.refusal(f)) } }
        #expect(waitUntil(timeout: 60) { refusals().count >= 3 }, "\(PullServiceTests.log(f))")
        let (outcome, _) = daemon.terminate()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let log = PullServiceTests.log(f)
        let passes = log.components(separatedBy: "\n").filter { $0.contains(" manifest: ") && $0.hasSuffix(" relevant entries") }.count
        #expect(refusals().count <= passes, "one attempt per pass: \(refusals().count) refusals in \(passes) passes\n\(log)")
        try Self.expectLenderKept(f)
    }
}
