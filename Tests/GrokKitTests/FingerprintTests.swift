import Testing
import TestSupport
@testable import GrokKit

/// The fingerprint must equal `git show-ref | sha1sum` byte for byte; these
/// build repositories of every shape we know of and compare, and also check
/// which path (files or git) produced the answer.
@Suite struct FingerprintTests {
    let dir = TemporaryDirectory()
    let reader = FingerprintReader(git: GitRunner())

    func check(_ repo: String, expectSource: FingerprintReader.Source?, file: String = #fileID, line: Int = #line) async throws {
        let (fingerprint, source) = try await reader.fingerprint(gitDir: repo)
        let expected = try referenceFingerprint(repo)
        #expect(fingerprint.value == expected, "fingerprint of \(repo)")
        if let expectSource { #expect(source == expectSource, "source for \(repo)") }
    }

    @Test func packedRepository() async throws {
        let repo = dir.file("packed.git")
        try makeRepository(at: repo, packed: true)
        try await check(repo, expectSource: .files)
    }

    @Test func looseRefsAndLooseObjects() async throws {
        let repo = dir.file("loose.git")
        try makeRepository(at: repo)
        try shell("""
            cd '\(repo)'
            blob=$(echo loose | git --git-dir=. hash-object -w --stdin)
            tree=$(printf '100644 blob %s\\tx\\n' "$blob" | git --git-dir=. mktree)
            c=$(git --git-dir=. commit-tree -m loose -p master "$tree")
            git --git-dir=. update-ref refs/heads/loose "$c"
            git --git-dir=. update-ref refs/heads/master "$c"
            """)
        try await check(repo, expectSource: .files)
    }

    @Test func nestedSymbolicAndPeeledRefs() async throws {
        let repo = dir.file("shapes.git")
        try makeRepository(at: repo)
        try shell("""
            cd '\(repo)'
            m=$(git --git-dir=. rev-parse master)
            git --git-dir=. update-ref refs/heads/deep/nested/branch "$m"
            git --git-dir=. update-ref refs/meta/config "$m"
            git --git-dir=. update-ref refs/notes/commits "$m"
            git --git-dir=. update-ref refs/remotes/origin/master "$m"
            git --git-dir=. symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/master
            git --git-dir=. tag -a v2 -m v2 "$m"
            git --git-dir=. pack-refs --all
            git --git-dir=. update-ref refs/heads/zzz-loose-after-pack "$m"
            git --git-dir=. update-ref refs/heads/dev "$m~1"
            grep -q '^\\^' packed-refs
            """)
        try await check(repo, expectSource: .files)
    }

    @Test func refsSortByBytesNotByPath() async throws {
        let repo = dir.file("sort.git")
        try makeRepository(at: repo)
        try shell("""
            cd '\(repo)'
            m=$(git --git-dir=. rev-parse master)
            for r in refs/heads/a-b refs/heads/a/b refs/heads/a.b refs/heads/a refs/heads/A refs/heads/a_b; do
              git --git-dir=. update-ref "$r" "$m" 2>/dev/null || true
            done
            """)
        try await check(repo, expectSource: .files)
    }

    @Test func emptyRepositoryHasNoFingerprint() async throws {
        let repo = dir.file("empty.git")
        try shell("git init -q --bare '\(repo)'")
        let (fingerprint, _) = try await reader.fingerprint(gitDir: repo)
        #expect(fingerprint.value == nil)
        #expect(try referenceFingerprint(repo) == nil)
    }

    @Test func refToMissingObjectHasNoFingerprint() async throws {
        let repo = dir.file("missing.git")
        try makeRepository(at: repo)
        try shell("echo 1234567890123456789012345678901234567890 > '\(repo)/refs/heads/ghost'")
        let (fingerprint, source) = try await reader.fingerprint(gitDir: repo)
        #expect(source == .git)
        #expect(fingerprint.value == nil)
        #expect(try referenceFingerprint(repo) == nil)
    }

    @Test func deletedLooseObjectIsNoticed() async throws {
        let repo = dir.file("deleted.git")
        try makeRepository(at: repo)
        try shell("""
            cd '\(repo)'
            blob=$(echo gone | git --git-dir=. hash-object -w --stdin)
            git --git-dir=. update-ref refs/tags/blobtag "$blob"
            rm objects/${blob:0:2}/${blob:2}
            """)
        let (fingerprint, source) = try await reader.fingerprint(gitDir: repo)
        #expect(source == .git)
        #expect(fingerprint.value == nil)
    }

    @Test func oddRefFilesFallBackToGit() async throws {
        let repo = dir.file("odd.git")
        try makeRepository(at: repo)
        try shell("""
            cd '\(repo)'
            m=$(git --git-dir=. rev-parse master)
            printf '%s extra\\n' "$m" > refs/heads/trailing-junk
            echo 'ref: refs/heads/nowhere' > refs/heads/dangling
            echo garbage > refs/heads/broken
            """)
        try await check(repo, expectSource: .git)
    }

    @Test func lockFilesAreIgnoredLikeGit() async throws {
        let repo = dir.file("locks.git")
        try makeRepository(at: repo)
        try shell("cd '\(repo)' && git --git-dir=. rev-parse master > refs/heads/inflight.lock")
        try await check(repo, expectSource: .files)
    }

    @Test func objectsBorrowedThroughAlternates() async throws {
        let parent = dir.file("parent.git")
        let child = dir.file("child.git")
        try makeRepository(at: parent)
        try shell("git clone -q --bare --shared '\(parent)' '\(child)' && git --git-dir='\(child)' pack-refs --all")
        #expect(FileSystem.exists(child + "/objects/info/alternates"))
        try await check(child, expectSource: .files)
    }

    @Test func corruptPackIsNotTrusted() async throws {
        let repo = dir.file("corrupt.git")
        try makeRepository(at: repo)
        try shell("cd '\(repo)/objects/pack' && for p in *.pack; do chmod u+w $p; printf 'XXXX' | dd of=$p bs=1 seek=0 conv=notrunc 2>/dev/null; done")
        let (_, source) = try await reader.fingerprint(gitDir: repo)
        #expect(source == .git)
        try await check(repo, expectSource: nil)
    }

    @Test func ignoreGlobsDropMatchingLines() throws {
        let refs = [
            RefStore.Ref(name: "refs/heads/master", objectID: String(repeating: "a", count: 40)),
            RefStore.Ref(name: "refs/meta/config", objectID: String(repeating: "b", count: 40)),
        ]
        let all = Fingerprint.compute(refs)
        #expect(all.value == SHA1.hexDigest(of: Array("\(String(repeating: "a", count: 40)) refs/heads/master\n\(String(repeating: "b", count: 40)) refs/meta/config\n".utf8)))
        let filtered = Fingerprint.compute(refs, ignoring: [Glob("refs/meta/*")])
        #expect(filtered.value == SHA1.hexDigest(of: Array("\(String(repeating: "a", count: 40)) refs/heads/master\n".utf8)))
        #expect(filtered.ignoredAnyRef)
        #expect(!all.ignoredAnyRef)
        #expect(Fingerprint.compute([]).value == nil)
    }

    @Test func sha1KnownVectors() {
        #expect(SHA1.hexDigest(of: Array("".utf8)) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA1.hexDigest(of: Array("abc".utf8)) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA1.hexDigest(of: Array(String(repeating: "a", count: 1_000_000).utf8)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test func refNameRules() {
        for good in ["refs/heads/master", "refs/heads/a/b-c_d.e", "refs/tags/v1.0"] { #expect(RefName.isValid(good), "\(good)") }
        for bad in ["refs/heads/a..b", "refs/heads/.hidden", "refs/heads/x.lock", "refs/heads/a b", "refs/heads/a~1", "refs/heads/", "refs//x", "refs/heads/x.", "refs/heads/@{x}"] {
            #expect(!RefName.isValid(bad), "\(bad)")
        }
        #expect(RefName.isValidHead("ref: refs/heads/master"))
        #expect(!RefName.isValidHead("ref: refs/heads/../../etc"))
        #expect(RefName.isValidHead(String(repeating: "0", count: 40)))
    }

    /// A hand-edited packed-refs whose lines are out of order or repeated
    /// is listed by git as it stands: only git can say what it prints.
    @Test func unsortedOrRepeatedPackedRefsAreLeftToGit() async throws {
        for (name, edit) in [("unsorted.git", "tac packed-refs.body > packed-refs.new"),
                             ("repeated.git", "cat packed-refs.body packed-refs.body | sort > packed-refs.new")] {
            let repo = dir.file(name)
            try makeRepository(at: repo, packed: true)
            try shell("""
                cd '\(repo)'
                git --git-dir=. update-ref refs/tags/zzz master && git --git-dir=. pack-refs --all
                head -1 packed-refs > header && grep -v '^#' packed-refs | grep -v '^\\^' > packed-refs.body
                \(edit) && cat header packed-refs.new > packed-refs && rm header packed-refs.body packed-refs.new
                """)
            try await check(repo, expectSource: .git)
        }
    }
}
