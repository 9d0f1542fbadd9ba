import Testing
import TestSupport
@testable import GrokKit

/// The decisions that keep a rewrite from emptying or replacing what is not
/// ours: removal protection, the manifest and projects.list shape checks,
/// git's repository validity, and where a replica may put a symlink.
@Suite struct RewriteSafetyTests {
    @Test func removalProtectionRefusesAllOrAShareAboveSlack() {
        let rule = RemovalProtection.standard
        #expect(rule.refusal(removing: 0, of: 0) == nil)
        #expect(rule.refusal(removing: 0, of: 10) == nil)
        #expect(rule.refusal(removing: 1, of: 1) != nil, "dropping every entry is refused even for one")
        #expect(rule.refusal(removing: 4, of: 4) != nil)
        #expect(rule.refusal(removing: 3, of: 5) == nil, "up to 3 may go when that is not all")
        #expect(rule.refusal(removing: 4, of: 20) == nil, "20% exactly is allowed")
        #expect(rule.refusal(removing: 5, of: 20) != nil)
        #expect(rule.refusal(removing: 200, of: 1000) == nil)
        #expect(rule.refusal(removing: 201, of: 1000) != nil)
    }

    @Test func manifestShapeIsSniffedBeforeDecoding() throws {
        #expect(throws: ManifestFile.ReadError.undecodable(path: "m", reason: "no JSON content")) { _ = try ManifestFile.decode([], source: "m") }
        #expect(try ManifestFile.decode(Array(" \n{}".utf8), source: "m").isEmpty)
        for foreign in ["[core]\ntoplevel = /srv\n", "[]", "\"x\"", "#!/bin/sh\n"] {
            #expect(throws: ManifestFile.ReadError.notAManifest(path: "m")) { _ = try ManifestFile.decode(Array(foreign.utf8), source: "m") }
        }
        let gzippedConfig = Gzip.compress(Array("[core]\n".utf8), level: 6)
        #expect(throws: ManifestFile.ReadError.notAManifest(path: "m")) { _ = try ManifestFile.decode(gzippedConfig, source: "m") }
        #expect(throws: ManifestFile.ReadError.self) { _ = try ManifestFile.decode(Array("   ".utf8), source: "m") }
    }

    @Test func otherJSONObjectsAreNotManifests() throws {
        #expect(throws: ManifestFile.ReadError.notAManifest(path: "m")) {
            _ = try ManifestFile.decode(Array("{\"name\": \"pkg\", \"version\": \"1.0\"}".utf8), source: "m")
        }
        let status = "{\"/srv/git/a.git\": {\"lastcheck\": \"never\", \"nextcheck\": \"2026-12-01\", \"fingerprint\": null}}"
        #expect(throws: ManifestFile.ReadError.notAManifest(path: "m")) { _ = try ManifestFile.decode(Array(status.utf8), source: "m") }
        let manifest = "{\"/a.git\": {\"fingerprint\": \"\(String(repeating: "a", count: 40))\", \"modified\": 1, \"reference\": null}}"
        #expect(try ManifestFile.decode(Array(manifest.utf8), source: "m").count == 1)
        #expect(throws: FsckStatus.DecodeError.self) { _ = try FsckStatus.decode(Array(manifest.utf8)) }
        #expect(try FsckStatus.decode(Array(status.utf8)).paths == ["/srv/git/a.git"])
    }

    @Test func relativeAlternatesAreReadFromTheObjectsDirectory() throws {
        let dir = TemporaryDirectory()
        try shell("mkdir -p '\(dir.path)/pub/lender.git/objects' '\(dir.path)/local/b.git/objects/info' && echo ../../../pub/lender.git/objects > '\(dir.path)/local/b.git/objects/info/alternates'")
        #expect(Alternates.borrowedRepository(of: dir.file("local/b.git")) == dir.file("pub/lender.git"))
    }

    @Test func projectsListShape() {
        #expect(ProjectsList.looksLikeOne([]))
        #expect(ProjectsList.looksLikeOne(Array("pub/a.git\npub/b c.git\n".utf8)))
        #expect(!ProjectsList.looksLikeOne(Array("[core]\ntoplevel = /srv\n".utf8)))
        #expect(!ProjectsList.looksLikeOne(Array("# comment\n".utf8)))
        #expect(!ProjectsList.looksLikeOne(Array("/etc/passwd\n".utf8)))
        #expect(!ProjectsList.looksLikeOne([0x70, 0x00, 0x0A]))
        #expect(!ProjectsList.looksLikeOne([0xFF, 0xFE, 0x0A]))
    }

    @Test func headValidityFollowsGit() {
        let missing = "/nonexistent/HEAD"
        #expect(RepositoryValidity.headProblem(missing, content: "ref: refs/heads/master") == nil)
        #expect(RepositoryValidity.headProblem(missing, content: "ref:refs/heads/master") == nil)
        #expect(RepositoryValidity.headProblem(missing, content: String(repeating: "a", count: 40)) == nil)
        #expect(RepositoryValidity.headProblem(missing, content: String(repeating: "b", count: 64)) == nil)
        #expect(RepositoryValidity.headProblem(missing, content: "ref: ../../../etc/passwd") != nil)
        #expect(RepositoryValidity.headProblem(missing, content: "ref: refs/../../x") != nil)
        #expect(RepositoryValidity.headProblem(missing, content: "ref: heads/master") != nil)
        #expect(RepositoryValidity.headProblem(missing, content: "garbage") != nil)
        #expect(RepositoryValidity.headProblem(missing, content: nil) != nil)
        #expect(RepositoryValidity.formatProblem(GitConfigFile(Array("[core]\n\trepositoryformatversion = 2\n".utf8))!) != nil)
        #expect(RepositoryValidity.formatProblem(GitConfigFile(Array("[core]\n\trepositoryformatversion = 1\n".utf8))!) == nil)
        #expect(RepositoryValidity.formatProblem(GitConfigFile(Array("[core]\n\tbare = true\n".utf8))!) == nil)
    }

    @Test func symlinkPlacementNeverDeletesWhatIsNotAReplacedRepository() {
        #expect(SymlinkPlacement.decide(.missing, protected: nil, lentFrom: false) == .link)
        #expect(SymlinkPlacement.decide(.emptyDirectory, protected: nil, lentFrom: false) == .link)
        #expect(SymlinkPlacement.decide(.symlink(pointsAtTarget: false), protected: nil, lentFrom: false) == .link)
        #expect(SymlinkPlacement.decide(.symlink(pointsAtTarget: true), protected: nil, lentFrom: false) == .keep)
        #expect(SymlinkPlacement.decide(.bareRepository, protected: nil, lentFrom: false) == .replaceRepository)
        if case .refuse = SymlinkPlacement.decide(.other, protected: nil, lentFrom: false) {} else { Issue.record("a directory was replaced") }
        if case .refuse = SymlinkPlacement.decide(.bareRepository, protected: "matches nopurge", lentFrom: false) {} else { Issue.record("nopurge ignored") }
        if case .refuse = SymlinkPlacement.decide(.bareRepository, protected: nil, lentFrom: true) {} else { Issue.record("a lender was replaced") }
    }

    @Test func symlinksCollidingWithListedRepositoriesAreDropped() throws {
        var remote = Manifest()
        var a = ManifestEntry()
        a.fingerprint = String(repeating: "a", count: 40)
        a.symlinks = ["/pub/group0", "/pub/b.git", "/pub/c.git/inner", "/pub/ok.git"]
        remote["/pub/a.git"] = a
        var b = ManifestEntry()
        b.fingerprint = String(repeating: "b", count: 40)
        remote["/pub/b.git"] = b
        remote["/pub/c.git"] = b
        remote["/pub/group0/x.git"] = b
        let culled = try PullPlan.cull(remote, include: [Glob("*")], exclude: [], reserved: [])
        #expect(culled.entries.first { $0.gitdir == "/pub/a.git" }?.entry.symlinks == ["/pub/ok.git"])
        #expect(culled.droppedSymlinks.count == 3)
        #expect(culled.rejected.isEmpty)
    }
}
