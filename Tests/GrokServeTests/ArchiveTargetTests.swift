import GrokKit
import Testing
import TestSupport
@testable import GrokServe

@Suite struct ArchiveTargetTests {
    @Test func pathsSplitIntoRepositoryRevisionAndFormat() {
        #expect(ArchiveTarget.candidates(path: "/pub/scm/git/git.git/archive/v2.39.0.tar.gz", rev: nil, formats: ArchiveFormat.allCases)
            == [ArchiveTarget(gitdir: "/pub/scm/git/git.git", revision: "v2.39.0", format: .tarGz)])
        #expect(ArchiveTarget.candidates(path: "/r.git/archive/release/1.0.zip", rev: nil, formats: ArchiveFormat.allCases)
            == [ArchiveTarget(gitdir: "/r.git", revision: "release/1.0", format: .zip)])
        // A gitdir containing /archive/: both readings, leftmost first.
        #expect(ArchiveTarget.candidates(path: "/a/archive/b.git/archive/v1.tar", rev: nil, formats: ArchiveFormat.allCases)
            == [ArchiveTarget(gitdir: "/a", revision: "b.git/archive/v1", format: .tar),
                ArchiveTarget(gitdir: "/a/archive/b.git", revision: "v1", format: .tar)])
        #expect(ArchiveTarget.candidates(path: "/r.git/archive/v1.zip", rev: nil, formats: [.tarGz, .tar]).isEmpty)
        #expect(ArchiveTarget.candidates(path: "/archive/v1.zip", rev: nil, formats: ArchiveFormat.allCases).isEmpty)
        #expect(ArchiveTarget.candidates(path: "/r.git/status", rev: nil, formats: ArchiveFormat.allCases).isEmpty)
    }

    @Test func gitmirrorsFormTakesTheRevisionFromTheQuery() {
        #expect(ArchiveTarget.candidates(path: "/pub/linux.tar.gz", rev: "v6.1", formats: ArchiveFormat.allCases)
            == [ArchiveTarget(gitdir: "/pub/linux.git", revision: "v6.1", format: .tarGz),
                ArchiveTarget(gitdir: "/pub/linux", revision: "v6.1", format: .tarGz)])
        #expect(ArchiveTarget.candidates(path: "/pub/linux.tar.gz", rev: "v6.1", formats: [.zip]).isEmpty)
        #expect(ArchiveTarget.candidates(path: "/pub/linux.zip", rev: "v6.1", formats: ArchiveFormat.allCases).isEmpty)
    }

    @Test func etagsMatchLikeHTTPSays() {
        #expect(ArchiveReply.matches(["\"a.tar\""], etag: "\"a.tar\""))
        #expect(ArchiveReply.matches(["\"x\", W/\"a.tar\""], etag: "\"a.tar\""))
        #expect(ArchiveReply.matches(["\"x\"", " \"a.tar\" "], etag: "\"a.tar\""))
        #expect(ArchiveReply.matches(["*"], etag: "\"a.tar\""))
        #expect(!ArchiveReply.matches(["\"a.tar.gz\""], etag: "\"a.tar\""))
        #expect(!ArchiveReply.matches([], etag: "\"a.tar\""))
    }

    @Test func fileNamesAreSafeInAHeader() {
        #expect(ArchiveReply.fileNameSafe("linux-v6.1.tar.gz") == "linux-v6.1.tar.gz")
        #expect(ArchiveReply.fileNameSafe("a\"b;c\r\nd é.zip") == "a_b_c__d__.zip")
    }

    @Test func buildSlotsAreBoundedAndReturned() {
        let jobs = ArchiveJobs(limit: 2)
        var first: ArchiveJobSlot? = jobs.acquire()
        let second = jobs.acquire()
        #expect(first != nil && second != nil)
        #expect(jobs.acquire() == nil)
        first = nil
        #expect(jobs.count == 1)
        #expect(jobs.acquire() != nil, "a released slot is free again")
        _ = (first, second)
    }

    @Test func onlyServedRepositoriesInsideToplevelAreFound() throws {
        let dir = TemporaryDirectory()
        let top = dir.file("top")
        try makeRepository(at: top + "/pub/a.git", commits: 1)
        try makeRepository(at: top + "/priv/p.git", commits: 1)
        try makeRepository(at: dir.file("outside.git"), commits: 1)
        try shell("ln -s '\(dir.file("outside.git"))' '\(top)/pub/out.git'; ln -s '\(top)/priv/p.git' '\(top)/pub/alias.git'; mkdir '\(top)/pub/plain'")
        var settings = ServeSettings()
        settings.toplevel = top
        settings.privateRepos = [Glob("/priv/*")]
        let repositories = ServedRepositories(settings: settings)
        #expect(repositories.locate("/pub/a.git") == top + "/pub/a.git")
        for gitdir in ["/priv/p.git", "/pub/out.git", "/pub/alias.git", "/pub/plain", "/pub/absent.git", "/", "pub/a.git"] {
            #expect(repositories.locate(gitdir) == nil, "\(gitdir)")
        }
        settings.exclude = [Glob("/pub/a*")]
        #expect(ServedRepositories(settings: settings).locate("/pub/a.git") == nil)
    }
}
