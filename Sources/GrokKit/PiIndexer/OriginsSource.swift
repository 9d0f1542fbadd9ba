import Logging

/// Where a new inbox's origin snippet (`OriginsConfig`) comes from: the
/// mirrored epochs' `refs/meta/origins:i` (newest epoch first, as lore
/// keeps the latest there), else the origin's public-inbox-httpd at
/// `<origin-hostname>/<name>/_/text/config/raw`.
package struct OriginsSource: Sendable {
    package let git: GitRunner
    package let http: HTTPClient
    /// `--origin-hostname`; empty asks no server.
    package let originHostname: String
    /// Larger snippets are refused; real ones are under a kilobyte.
    static let sizeLimit = 1 << 20

    package init(git: GitRunner, http: HTTPClient = HTTPClient(), originHostname: String) {
        self.git = git
        var client = http
        client.sizeLimit = Self.sizeLimit
        self.http = client
        self.originHostname = originHostname
    }

    /// The snippet's text; nil when no epoch carries one and no origin
    /// host is configured (the inbox then gets the defaults).
    package func text(for inbox: InboxLocation, epochs: [String], logger: Logger) async throws(PiIndexerFailure) -> String? {
        for epoch in epochs.reversed() {
            let result = try? await git.run(gitDir: epoch, ["cat-file", "blob", "refs/meta/origins:i"], timeout: .seconds(60))
            if let result, result.succeeded, !result.stdout.isEmpty {
                logger.debug("Origins of \(inbox.name) from \(epoch) refs/meta/origins:i")
                return String(decoding: result.stdout, as: UTF8.self)
            }
        }
        guard let url = Self.configURL(originHostname: originHostname, name: inbox.name) else { return nil }
        logger.debug("Origins of \(inbox.name) from \(url)")
        let response: HTTPClient.Response
        do {
            response = try await http.get(url)
        } catch {
            throw PiIndexerFailure("cannot get origins info for \(inbox.gitInboxdir): \(error.description)")
        }
        guard response.status == 200 else {
            throw PiIndexerFailure("cannot get origins info for \(inbox.gitInboxdir): \(url): HTTP status \(response.status)")
        }
        return String(decoding: response.body, as: UTF8.self)
    }

    /// `<host without trailing slashes>/<name>/_/text/config/raw`, the name
    /// percent-encoded; nil for an empty host.
    package static func configURL(originHostname: String, name: String) -> String? {
        var host = Substring(originHostname.trimmingWhitespace())
        while host.hasSuffix("/") { host = host.dropLast() }
        guard !host.isEmpty else { return nil }
        return host + "/" + percentEncoded(name) + "/_/text/config/raw"
    }

    private static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            let unreserved = ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || "-._~".unicodeScalars.contains(scalar)
            encoded += unreserved ? String(scalar) : "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        }
        return encoded
    }
}
