import Foundation
import Testing
import TestSupport
import GrokKit

/// grok-pull and grok-push record what happened to each repository in the
/// status database that grok-serve reads.
@Suite(.serialized) struct StatusRecordingTests {
    static func snapshot(_ f: PullFixture) throws -> StatusSnapshot {
        try StatusStore.openForReading(path: StatusStore.path(forLocalManifest: f.mirror + "/manifest.js.gz")).snapshot()
    }

    @Test func grokPullRecordsFetchesFailuresPushesAndItsManifestChecks() throws {
        let f = try PullFixture(repos: 3)
        f.writeConfig(extra: "[push.copy]\nurl = file://\(f.dir.file("copy"))/{gitdir}\n")
        let started = Date().timeIntervalSince1970
        #expect(try f.runPull().status == 0)
        var snapshot = try Self.snapshot(f)
        #expect(snapshot.repositories.map(\.gitdir.path) == f.originRepos.sorted())
        for status in snapshot.repositories {
            #expect(status.lastSuccess.map { $0 >= started } == true && status.consecutiveFailures == 0 && status.behindSince == nil, "\(status)")
            #expect(status.fetchSeconds.map { $0 > 0 && $0 < 60 } == true, "\(status)")
        }
        #expect(snapshot.pushes.count == 3 && snapshot.pushes.allSatisfy { $0.destination == "copy" && $0.lastSuccess != nil })
        #expect(snapshot.lastSuccessfulManifestCheck.map { $0 >= started } == true && snapshot.manifestCheckError == nil)
        #expect(snapshot.heartbeats["pull"].map { $0 >= started } == true)
        let store = try StatusStore.openForReading(path: StatusStore.path(forLocalManifest: f.mirror + "/manifest.js.gz"))
        let kinds = try store.history("/pub/project1/repo1.git").map(\.kind)
        // Newest first; a job ends (and is recorded) after its push.
        #expect(kinds == ["cloned", "pushed"], "\(kinds)")

        // The origin changes a repository, then loses it: behind, failing.
        let repo2 = "/pub/project2/repo2.git"
        try PullServiceTests.commit(f.origin + repo2, "new")
        try f.regenerateOriginManifest()
        try shell("mv '\(f.origin + repo2)' '\(f.dir.file("gone.git"))'")
        #expect(try f.runPull().status == 1)
        snapshot = try Self.snapshot(f)
        let failing = try #require(snapshot.repositories.first { $0.gitdir.path == repo2 })
        #expect(failing.consecutiveFailures == 1 && failing.behindSince != nil && failing.failingSince != nil, "\(failing)")
        #expect(failing.lastError?.contains("fetch failed") == true, "\(failing)")
        #expect(try store.history(Gitdir(repo2)).first?.kind == "failed")
    }

    @Test func grokPushRecordsItsPushesAndAFailedManifestFetchIsRecorded() throws {
        let f = try PullFixture(repos: 2)
        f.writeConfig(extra: "[push.copy]\nurl = file://\(f.dir.file("copy"))/{gitdir}\n")
        #expect(try f.runPull().status == 0)
        try shell("git --git-dir='\(f.mirror)/pub/project1/repo1.git' branch extra master")
        #expect(try runProcess(Tools.ours("grok-push"), ["-c", f.config, "/pub/project1/repo1.git"]).status == 0)
        let store = try StatusStore.openForReading(path: StatusStore.path(forLocalManifest: f.mirror + "/manifest.js.gz"))
        #expect(try store.history("/pub/project1/repo1.git").map(\.kind) == ["pushed", "cloned", "pushed"])
        #expect(try store.snapshot().heartbeats["push"] != nil)

        f.writeConfig(manifest: f.server.baseURL + "/missing.js.gz", extra: "[push.copy]\nurl = file://\(f.dir.file("copy"))/{gitdir}\n")
        #expect(try f.runPull(["-n"]).status == 2)
        let snapshot = try store.snapshot()
        #expect(snapshot.manifestCheckError?.contains("404") == true, "\(String(describing: snapshot.manifestCheckError))")
        #expect(snapshot.lastManifestCheck! > snapshot.lastSuccessfulManifestCheck!)
    }
}
