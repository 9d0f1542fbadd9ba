/// What a webhook request presents to prove it knows `[serve]
/// webhook_secret`: GitHub's `X-Hub-Signature-256: sha256=<hex>` or
/// Gitea's `X-Gitea-Signature: <hex>` (both HMAC-SHA256 of the raw body
/// keyed by the secret), or GitLab's `X-Gitlab-Token: <secret>`.
///
/// The HMAC itself is computed by the caller (grok-serve, through
/// swift-crypto), so that GrokKit and the tools linking it do not need a
/// crypto library; parsing and the constant-time comparison are here.
package enum WebhookCredential: Equatable, Sendable {
    case github(digest: [UInt8])
    case gitea(digest: [UInt8])
    case gitlab(token: [UInt8])

    package enum Problem: Error, Equatable, CustomStringConvertible {
        case missing
        case malformed(header: String)

        package var description: String {
            switch self {
            case .missing: return "no X-Hub-Signature-256, X-Gitea-Signature or X-Gitlab-Token header"
            case .malformed(let header): return "malformed \(header) header"
            }
        }
    }

    /// The headers it reads, in the order they are looked for.
    package static let headerNames = ["X-Hub-Signature-256", "X-Gitea-Signature", "X-Gitlab-Token"]

    /// The credential of a request, given a case-insensitive header lookup.
    /// When several are present the first in `headerNames` order counts
    /// (Gitea sends its own and GitHub's, with the same digest).
    package static func from(header: (String) -> String?) throws(Problem) -> WebhookCredential {
        if let value = header("X-Hub-Signature-256") {
            let trimmed = value.trimmingWhitespace()
            guard trimmed.hasPrefix("sha256="), let digest = hexDigest(trimmed.dropFirst(7)) else { throw .malformed(header: "X-Hub-Signature-256") }
            return .github(digest: digest)
        }
        if let value = header("X-Gitea-Signature") {
            guard let digest = hexDigest(Substring(value.trimmingWhitespace())) else { throw .malformed(header: "X-Gitea-Signature") }
            return .gitea(digest: digest)
        }
        if let value = header("X-Gitlab-Token") {
            guard !value.isEmpty else { throw .malformed(header: "X-Gitlab-Token") }
            return .gitlab(token: Array(value.utf8))
        }
        throw .missing
    }

    /// Whether the credential proves knowledge of `secret` for `body`.
    /// `hmacSHA256(key, message)` computes the 32-byte HMAC. An empty
    /// secret proves nothing.
    package func verify(body: [UInt8], secret: [UInt8], hmacSHA256: ([UInt8], [UInt8]) -> [UInt8]) -> Bool {
        guard !secret.isEmpty else { return false }
        switch self {
        case .github(let digest), .gitea(let digest):
            return ConstantTime.equal(digest, hmacSHA256(secret, body))
        case .gitlab(let token):
            return ConstantTime.equal(token, secret)
        }
    }

    /// 32 bytes from 64 hex digits (either case), or nil.
    static func hexDigest(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for pair in stride(from: 0, to: 64, by: 2) {
            guard let high = nibble(digits[pair]), let low = nibble(digits[pair + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 48...57: return digit - 48
        case 97...102: return digit - 87
        case 65...70: return digit - 55
        default: return nil
        }
    }
}

/// Comparisons whose time does not depend on where the inputs differ.
package enum ConstantTime {
    /// Whether `given` equals `expected`. The time taken depends only on
    /// `given`'s length (which the sender chose), never on `expected`'s
    /// contents or length, nor on the position of a difference.
    package static func equal(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        guard !expected.isEmpty else { return given.isEmpty }
        var difference = UInt(bitPattern: given.count ^ expected.count)
        for index in 0..<given.count {
            difference |= UInt(given[index] ^ expected[index % expected.count])
        }
        return difference == 0
    }
}
