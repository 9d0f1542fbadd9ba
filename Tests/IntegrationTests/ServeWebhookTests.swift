import Foundation
import Glibc
import GrokKit
import Testing
import TestSupport

/// grok-serve's `POST /notify/<gitdir>` against a stand-in pull.socket.
@Suite(.serialized) struct ServeWebhookTests {
    static func signature(_ body: String, secret: String) throws -> String {
        try shell("printf %s '\(body)' | openssl dgst -sha256 -hmac '\(secret)' -r | cut -d' ' -f1").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func webhooksNeedAGoodSignatureAndReachPullSocket() throws {
        let scratch = TemporaryDirectory()
        let socketPath = scratch.file("pull.sock")
        let fixture = try ServeArchiveTests.fixture(serve: "webhook_secret = s3cret\n[pull]\nsocket = \(socketPath)")
        let listener = try LineListener(path: socketPath)
        try fixture.start()
        let body = "{\"ref\":\"refs/heads/master\"}"
        let good = try Self.signature(body, secret: "s3cret"), bad = try Self.signature(body, secret: "guess")
        func post(_ path: String, _ headers: [String], data: String = body) throws -> Int {
            try ServeArchiveTests.download(fixture, path, options: ["-X", "POST", "--data-binary", data] + headers.flatMap { ["-H", $0] }).code
        }
        #expect(try post("/notify/pub/repo.git", []) == 401)
        #expect(try post("/notify/pub/repo.git", ["X-Hub-Signature-256: sha256=\(bad)"]) == 401)
        #expect(try post("/notify/pub/repo.git", ["X-Gitlab-Token: guess"]) == 401)
        #expect(listener.lines.isEmpty)
        #expect(try post("/notify/pub/absent.git", ["X-Hub-Signature-256: sha256=\(good)"]) == 404)
        #expect(try post("/notify/priv/secret.git", ["X-Gitlab-Token: s3cret"]) == 404)
        fixture.dir.write("big", String(repeating: "x", count: (1 << 20) + 1))
        #expect(try post("/notify/pub/repo.git", ["X-Gitlab-Token: s3cret"], data: "@" + fixture.dir.file("big")) == 413)
        #expect(try post("/notify/pub/repo.git", ["X-Hub-Signature-256: sha256=\(good)"]) == 202)
        #expect(try post("/notify/pub/repo.git", ["X-Gitea-Signature: \(good)"]) == 202)
        #expect(try post("/notify/pub/repo.git", ["X-Gitlab-Token: s3cret"]) == 202)
        #expect(waitUntil(timeout: 5) { listener.lines == Array(repeating: "/pub/repo.git", count: 3) })
    }

    @Test func withoutASecretThereIsNoWebhook() throws {
        let fixture = try ServeArchiveTests.fixture()
        try fixture.start()
        let code = try ServeArchiveTests.download(fixture, "/notify/pub/repo.git", options: ["-X", "POST", "-H", "X-Gitlab-Token: x", "--data", "{}"]).code
        #expect(code == 404 || code == 405)
    }

    /// End to end against a running `grok-pull -o`: a good webhook leads to
    /// a fetch, and an archive of a branch the mirror lacks yet is fetched
    /// through pull.socket and served.
    @Test func aGoodWebhookAndAMissingRevisionLeadToFetches() throws {
        let f = try PullFixture(repos: 1)
        let port = try OriginServer.freePort()
        PullServiceTests.serviceConfig(f, refresh: 3600, extra: "[serve]\nlisten = 127.0.0.1:\(port)\nwebhook_secret = s3cret")
        let daemon = try PullServiceTests.Daemon(f)
        defer { _ = daemon.terminate() }
        #expect(waitUntil(timeout: 60) { PullServiceTests.mirrorComplete(f) }, "initial sync")
        #expect(waitUntil(timeout: 10) { PullServiceTests.log(f).contains("listening on socket") })
        let serve = try Spawn.start([Tools.ours("grok-serve"), "-c", f.config])
        defer {
            kill(serve.pid, SIGTERM)
            _ = Spawn.wait(serve, timeout: 10)
        }
        func curl(_ path: String, _ options: [String] = []) throws -> Int {
            let run = try runProcess("/usr/bin/curl", ["-sS", "-m", "30", "-o", f.dir.file("reply"), "-w", "%{http_code}"] + options
                                                      + ["http://127.0.0.1:\(port)" + path])
            return Int(run.stdout) ?? 0
        }
        #expect(waitUntil(timeout: 10) { (try? curl("/healthz")) ?? 0 != 0 }, "grok-serve listening")
        let gitdir = try #require(f.originRepos.first)
        try PullServiceTests.commit(f.origin + gitdir, "announced by a webhook")
        let body = "{}"
        let signature = try Self.signature(body, secret: "s3cret")
        #expect(try curl("/notify" + gitdir, ["-X", "POST", "--data-binary", body, "-H", "X-Hub-Signature-256: sha256=\(signature)"]) == 202)
        #expect(waitUntil(timeout: 20) { PullServiceTests.mirrorMatches(f, gitdir) }, "the webhook's repository fetched")

        try shell("git --git-dir='\(f.origin + gitdir)' branch fresh master")
        #expect(try curl(gitdir + "/archive/fresh.tar") == 200)
        let name = ArchiveSource.baseName(gitdir: gitdir)
        let expected = try shell("git --git-dir='\(f.origin + gitdir)' archive --format=tar --prefix='\(name)-fresh/' fresh | sha1sum")
        #expect(try shell("sha1sum < '\(f.dir.file("reply"))'") == expected)
        #expect(try shell("git --git-dir='\(f.mirror + gitdir)' rev-parse --verify -q fresh") != "")
    }
}
