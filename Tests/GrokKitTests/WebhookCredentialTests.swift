import Testing
@testable import GrokKit

@Suite struct WebhookCredentialTests {
    /// RFC 4231 test case 2, standing in for swift-crypto's HMAC (which
    /// grok-serve supplies); any other input gives a digest of zeros.
    static let rfcKey = Array("Jefe".utf8)
    static let rfcBody = Array("what do ya want for nothing?".utf8)
    static let rfcDigest = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"

    static func hmac(_ key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        key == rfcKey && message == rfcBody ? WebhookCredential.hexDigest(Substring(rfcDigest))! : [UInt8](repeating: 0, count: 32)
    }

    func credential(_ headers: [String: String]) throws(WebhookCredential.Problem) -> WebhookCredential {
        try WebhookCredential.from { name in headers.first { $0.key.lowercased() == name.lowercased() }?.value }
    }

    func verifies(_ headers: [String: String], body: [UInt8] = rfcBody, secret: [UInt8] = rfcKey) throws -> Bool {
        try credential(headers).verify(body: body, secret: secret, hmacSHA256: Self.hmac)
    }

    @Test func goodSignaturesOfEachForgeVerify() throws {
        #expect(try verifies(["x-hub-signature-256": "sha256=" + Self.rfcDigest]))
        #expect(try verifies(["X-Gitea-Signature": Self.rfcDigest.uppercased()]))
        #expect(try verifies(["X-Gitlab-Token": "Jefe"]))
    }

    @Test func badSignaturesDoNot() throws {
        var flipped = Array(Self.rfcDigest)
        flipped[63] = flipped[63] == "3" ? "4" : "3"
        #expect(try !verifies(["X-Hub-Signature-256": "sha256=" + String(flipped)]))
        #expect(try !verifies(["X-Hub-Signature-256": "sha256=" + Self.rfcDigest], body: Self.rfcBody + [0x0A]))
        #expect(try !verifies(["X-Hub-Signature-256": "sha256=" + Self.rfcDigest], secret: Array("Jeff".utf8)))
        #expect(try !verifies(["X-Gitea-Signature": String(flipped)]))
        #expect(try !verifies(["X-Gitlab-Token": "Jef"]))
        #expect(try !verifies(["X-Gitlab-Token": "Jefe "]))
        #expect(try !verifies(["X-Gitlab-Token": "JefeJefe"]))
        // Without a secret nothing verifies, not even an empty token.
        #expect(try !verifies(["X-Gitlab-Token": "Jefe"], secret: []))
        #expect(try !verifies(["X-Hub-Signature-256": "sha256=" + Self.rfcDigest], secret: []))
    }

    @Test func missingAndMalformedHeadersAreProblems() {
        #expect(throws: WebhookCredential.Problem.missing) { try credential([:]) }
        #expect(throws: WebhookCredential.Problem.missing) { try credential(["X-Hub-Signature": "sha1=abc"]) }
        #expect(throws: WebhookCredential.Problem.malformed(header: "X-Hub-Signature-256")) { try credential(["X-Hub-Signature-256": Self.rfcDigest]) }
        #expect(throws: WebhookCredential.Problem.malformed(header: "X-Hub-Signature-256")) {
            try credential(["X-Hub-Signature-256": "sha256=" + Self.rfcDigest.dropLast()])
        }
        #expect(throws: WebhookCredential.Problem.malformed(header: "X-Gitea-Signature")) {
            try credential(["X-Gitea-Signature": "zz" + Self.rfcDigest.dropFirst(2)])
        }
        #expect(throws: WebhookCredential.Problem.malformed(header: "X-Gitlab-Token")) { try credential(["X-Gitlab-Token": ""]) }
    }

    @Test func githubsHeaderWinsOverGiteas() throws {
        let both = try credential(["X-Gitea-Signature": String(repeating: "0", count: 64), "X-Hub-Signature-256": "sha256=" + Self.rfcDigest])
        #expect(both == .github(digest: WebhookCredential.hexDigest(Substring(Self.rfcDigest))!))
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equal([1, 2], [1, 2, 3]))
        #expect(!ConstantTime.equal([1, 2, 3, 1], [1, 2, 3]))
        #expect(!ConstantTime.equal([], [1]))
        #expect(ConstantTime.equal([], []))
    }
}
