import Testing
import TestSupport
@testable import GrokKit

/// Where we replaced a git process with our own reading or writing, git
/// must agree with the result.
@Suite struct NativeGitEquivalenceTests {
    let dir = TemporaryDirectory()

    @Test func objectCountsMatchCountObjects() throws {
        let repo = dir.file("r.git")
        try makeRepository(at: repo, commits: 4, packed: true)
        try shell("""
            cd '\(repo)'
            for i in $(seq 1 30); do echo "loose $i" | git --git-dir=. hash-object -w --stdin >/dev/null; done
            """)
        let git = ObjectCounts(parsing: try shell("git --git-dir='\(repo)' count-objects -v"))
        let native = ObjectCounts.measure(gitDir: repo)
        #expect(native.loose == git.loose)
        #expect(native.inPack == git.inPack)
        #expect(native.packs == git.packs)
        #expect(abs(native.looseSizeKiB - git.looseSizeKiB) <= 4)
        #expect(abs(native.packSizeKiB - git.packSizeKiB) <= 2)
        #expect(native.repackLevel() == git.repackLevel())
        #expect(native.garbage == 0 && git.garbage == 0)
    }

    @Test func garbageMatchesCountObjects() throws {
        let repo = dir.file("g.git")
        try makeRepository(at: repo, commits: 3, packed: true)
        try shell("""
            cd '\(repo)/objects'
            pack=$(ls pack/*.pack | head -1); base=${pack%.pack}
            head -c 5000 /dev/urandom > pack/tmp_pack_stray
            cp "$base.idx" pack/pack-0123456789012345678901234567890123456789.idx
            touch pack/pack-0123456789012345678901234567890123456789.keep
            mkdir -p ab && head -c 3000 /dev/urandom > ab/not-an-object
            touch "$base.keep"
            """)
        let git = ObjectCounts(parsing: try shell("git --git-dir='\(repo)' count-objects -v 2>/dev/null"))
        let native = ObjectCounts.measure(gitDir: repo)
        #expect(git.garbage == 4)
        #expect(native.garbage == git.garbage)
        #expect(native.packs == git.packs)
        #expect(abs(native.garbageSizeKiB - git.garbageSizeKiB) <= 12)
    }

    @Test func newRepositoryConfigReadsBackThroughGit() throws {
        let repo = dir.file("new.git")
        try shell("git init -q --bare '\(repo)'")
        let url = "https://git.example.org/pub/we\"ird\\name.git"
        let text = try #require(RepoSetup.newRepositoryConfig(remoteName: "_grokmirror", url: url, ffOnly: false))
        try shell("cat >> '\(repo)/config' <<'CONF'\n\(text)CONF")
        #expect(try shell("git --git-dir='\(repo)' config gc.auto").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        #expect(try shell("git --git-dir='\(repo)' config remote._grokmirror.url").trimmingCharacters(in: .newlines) == url)
        #expect(try shell("git --git-dir='\(repo)' config remote._grokmirror.fetch").trimmingCharacters(in: .newlines) == "+refs/*:refs/*")
        let ffOnly = try #require(RepoSetup.newRepositoryConfig(remoteName: "origin", url: "/srv/x.git", ffOnly: true))
        #expect(ffOnly.contains("fetch = refs/*:refs/*"))
        #expect(RepoSetup.newRepositoryConfig(remoteName: "bad name]", url: "/x", ffOnly: false) == nil)
        // What git remote add --mirror=fetch writes is the same configuration.
        let other = dir.file("other.git")
        try shell("git init -q --bare '\(other)' && git --git-dir='\(other)' remote add --mirror=fetch _grokmirror '\(url.replacingOccurrences(of: "'", with: ""))'")
        #expect(try shell("git --git-dir='\(other)' config --get-regexp '^remote\\.'") == (try shell("git --git-dir='\(repo)' config --get-regexp '^remote\\.'")))
    }
}
