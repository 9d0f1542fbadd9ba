import GrokKit

/// `[serve]` of the config (grokmirror ignores the section): where grok-serve
/// listens, which repositories it shows, and the settings of its archive and
/// webhook endpoints. Every value is checked here, at startup; a key the
/// section does not have is an error, as a misspelt one would silently keep
/// a default.
package struct ServeSettings: Sendable, Equatable {
    package enum ListenAddress: Sendable, Equatable, CustomStringConvertible {
        case tcp(host: String, port: Int)
        case unix(path: String)

        package var description: String {
            switch self {
            case .tcp(let host, let port): return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            case .unix(let path): return path
            }
        }
    }

    package static let keys = ["listen", "include", "exclude", "healthz_max_age", "archive_formats", "archive_jobs",
                               "archive_cache", "archive_cache_size", "webhook_secret"]
    package static let archiveFormatNames = ["tar.gz", "tar", "zip"]
    package static let defaultArchiveCacheSize = 1 << 30

    package var listen: [ListenAddress] = [.tcp(host: "127.0.0.1", port: 8080)]
    package var include: [Glob] = [Glob("*")]
    package var exclude: [Glob] = []
    /// `[core] private`: never served, whatever include says.
    package var privateRepos: [Glob] = []
    /// Seconds since the last successful manifest check beyond which
    /// /healthz answers 503.
    package var healthzMaxAge: Int = 3600
    package var archiveFormats: [String] = ServeSettings.archiveFormatNames
    package var archiveJobs = 4
    package var archiveCache: String?
    /// Bytes.
    package var archiveCacheSize = ServeSettings.defaultArchiveCacheSize
    package var webhookSecret: String?
    /// `[pull] socket`: archives of missing revisions (and webhooks) ask
    /// grok-pull for a fetch there.
    package var pullSocket: String?
    /// `[fsck] statusfile`, shown beside each repository when set.
    package var fsckStatusFile: String?
    package var toplevel = "/"
    /// Where grok-pull's status store is (beside the local manifest).
    package var statusStore = ""

    package init() {}

    package init(config: GrokConfig) throws(ConfigError) {
        let section = "serve"
        if let unknown = config.document.ownKeys(in: section).sorted().first(where: { !Self.keys.contains($0) }) {
            throw .unknownKey(path: config.path, section: section, key: unknown, known: Self.keys)
        }
        func bad(_ key: String, _ value: String, _ expected: String) -> ConfigError {
            .badValue(path: config.path, section: section, key: key, value: value, expected: expected)
        }
        if let value = try config.string(section, "listen") {
            listen = try Self.listenAddresses(value) { (value: String) in bad("listen", value, "host:port, [v6]:port or /unix/socket/path, whitespace-separated") }
        }
        let includes = try config.globs(section, "include")
        include = includes.isEmpty ? [Glob("*")] : includes
        exclude = try config.globs(section, "exclude")
        privateRepos = config.core.privateRepos
        let refresh = try config.int("pull", "refresh", default: 0)
        healthzMaxAge = try config.int(section, "healthz_max_age", default: refresh > 0 ? 3 * refresh : 3600)
        guard healthzMaxAge >= 1 else { throw bad("healthz_max_age", String(healthzMaxAge), "seconds, 1 or more") }
        try readArchiveSettings(config, bad: bad)
        webhookSecret = try config.string(section, "webhook_secret").flatMap { $0.isEmpty ? nil : $0 }
        pullSocket = try config.string("pull", "socket").flatMap { $0.isEmpty ? nil : $0 }
        fsckStatusFile = try config.string("fsck", "statusfile").flatMap { $0.isEmpty ? nil : GrokConfig.expandUser($0) }
        toplevel = config.core.toplevel
        statusStore = StatusStore.path(forLocalManifest: config.core.manifest)
    }

    private mutating func readArchiveSettings(_ config: GrokConfig, bad: (String, String, String) -> ConfigError) throws(ConfigError) {
        let formats = ShellWords.whitespaceSplit(try config.string("serve", "archive_formats", default: "tar.gz tar zip"))
        if let unknown = formats.first(where: { !Self.archiveFormatNames.contains($0) }) {
            throw bad("archive_formats", unknown, "some of " + Self.archiveFormatNames.joined(separator: " "))
        }
        archiveFormats = formats
        archiveJobs = try config.int("serve", "archive_jobs", default: 4)
        guard archiveJobs >= 1 else { throw bad("archive_jobs", String(archiveJobs), "1 or more") }
        archiveCache = try config.string("serve", "archive_cache").flatMap { $0.isEmpty ? nil : GrokConfig.expandUser($0) }
        if let size = try config.string("serve", "archive_cache_size"), !size.isEmpty {
            guard let bytes = Self.byteSize(size) else { throw bad("archive_cache_size", size, "a size in bytes, optionally with K, M, G or T") }
            archiveCacheSize = bytes
        }
    }

    /// Whether grok-serve shows the repository: not private, included and
    /// not excluded.
    package func serves(_ gitdir: String) -> Bool {
        !privateRepos.anyMatches(gitdir) && include.anyMatches(gitdir) && !exclude.anyMatches(gitdir)
    }

    package static func listenAddresses(_ value: String, bad: (String) -> ConfigError) throws(ConfigError) -> [ListenAddress] {
        let words = ShellWords.whitespaceSplit(value)
        guard !words.isEmpty else { throw bad(value) }
        var addresses: [ListenAddress] = []
        for word in words {
            guard let address = listenAddress(word) else { throw bad(word) }
            addresses.append(address)
        }
        return addresses
    }

    /// `host:port`, `[v6]:port` or an absolute unix socket path.
    package static func listenAddress(_ word: String) -> ListenAddress? {
        if word.hasPrefix("/") { return word.utf8.count < 108 ? .unix(path: word) : nil }
        let host: Substring, portText: Substring
        if word.hasPrefix("[") {
            guard let close = word.firstIndex(of: "]"), word[word.index(after: close)...].hasPrefix(":") else { return nil }
            host = word[word.index(after: word.startIndex)..<close]
            portText = word[word.index(close, offsetBy: 2)...]
        } else {
            guard let colon = word.lastIndex(of: ":") else { return nil }
            host = word[..<colon]
            portText = word[word.index(after: colon)...]
            if host.contains(":") { return nil }
        }
        guard !host.isEmpty, let port = Int(portText), (1...65535).contains(port) else { return nil }
        return .tcp(host: String(host), port: port)
    }

    /// `1048576`, `512K`, `100M`, `2G`, `1T` (powers of 1024).
    package static func byteSize(_ text: String) -> Int? {
        var digits = text.uppercased()
        var multiplier = 1
        if let last = digits.last, let power = ["K": 1, "M": 2, "G": 3, "T": 4][String(last)] {
            digits.removeLast()
            multiplier = 1 << (10 * power)
        }
        guard let number = Int(digits), number >= 0 else { return nil }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : bytes
    }
}
