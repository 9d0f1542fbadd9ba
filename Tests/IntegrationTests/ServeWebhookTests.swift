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
}
