/// Keeps the credentials of URLs (`https://user:secret@host/…`) out of
/// everything the tools write: log lines, error messages, status records.
/// A URL's user-info is replaced by `***` wherever a URL appears in a text,
/// and a known secret is replaced wherever it appears at all, also
/// percent-decoded (git echoes URLs in messages, sometimes decoded).
package struct CredentialRedaction: Sendable {
    /// The secrets to blank out of any text, longest first.
    private let secrets: [String]

    /// For texts that may mention `urls`: their user-info parts are secrets.
    package init(urls: [String]) {
        var found: Set<String> = []
        for url in urls {
            guard let userInfo = Self.userInfo(of: url) else { continue }
            // `user:password` or a bare token: the user name alone is no secret.
            let password = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().first.map(String.init)
            for part in [userInfo, password].compactMap({ $0 }) where part.count >= 3 {
                found.insert(part)
                if let decoded = Self.percentDecoded(part) { found.insert(decoded) }
            }
        }
        secrets = found.sorted { $0.count > $1.count }
    }

    /// `text` with every URL's user-info and every known secret replaced by `***`.
    package func redact(_ text: String) -> String {
        var result = Self.redactingURLUserInfo(text)
        for secret in secrets where result.contains(secret) {
            result = result.split(separator: secret, omittingEmptySubsequences: false).joined(separator: "***")
        }
        return result
    }

    /// The URL as it may be shown: `scheme://***@host/path` when it has user-info.
    package static func displayable(_ url: String) -> String { redactingURLUserInfo(url) }

    /// The user-info of `scheme://user-info@host…`, or nil.
    static func userInfo(of url: String) -> String? {
        guard let scheme = url.firstRange(of: "://") else { return nil }
        let rest = url[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return nil }
        return String(authority[..<at])
    }

    /// Replaces the user-info of every `scheme://user-info@host` in `text`.
    private static func redactingURLUserInfo(_ text: String) -> String {
        guard text.contains("://") else { return text }
        var output = ""
        var rest = Substring(text)
        while let scheme = rest.firstRange(of: "://") {
            output += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
            let authority = rest.prefix { !" \t\n\r'\"<>/?#".contains($0) }
            if let at = authority.lastIndex(of: "@") {
                output += "***"
                rest = rest[at...]
            }
        }
        return output + rest
    }

    /// `text` with `%XX` escapes decoded, as git decodes URLs; nil when it has none.
    static func percentDecoded(_ text: String) -> String? {
        guard text.contains("%") else { return nil }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2, let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
