import Glibc

/// One `[push.NAME]` section: where and how repositories are pushed on.
/// grokmirror 2.0.12 ignores these sections, so one config file serves both.
///
/// | key | default |
/// |---|---|
/// | `url` | required: a template with `{gitdir}` (the manifest key without its leading `/`) and `{name}` (its last component without `.git`) |
/// | `include` / `exclude` | `*` / none: globs over gitdirs |
/// | `refspecs` | `+refs/heads/*:refs/heads/* +refs/tags/*:refs/tags/*` |
/// | `prune` | yes: delete destination refs in the refspecs' scope that are gone here |
/// | `force` | yes: `no` leaves a destination ref that is not an ancestor of ours, and reports it |
/// | `deleteprotect` | 50: refuse a push deleting more than this share (percent) of the destination's refs in scope, and more than 3 |
/// | `retries`, `timeout` | 3 tries with back-off; 600 seconds per git command |
/// | `ssh_command` | unset: `GIT_SSH_COMMAND` for this destination |
///
/// Repositories matching `core.private` are never pushed: a destination is
/// usually public, and private is what they were declared.
package struct PushDestination: Sendable, Equatable {
    package let name: String
    package let urlTemplate: String
    package let include: [Glob]
    package let exclude: [Glob]
    package let refspecs: [PushRefspec]
    package let prune: Bool
    package let force: Bool
    /// Percent of the destination's refs in scope.
    package let deleteProtect: Int
    package let retries: Int
    /// Seconds per git command.
    package let timeout: Int
    package let sshCommand: String?

    /// Every key a `[push.NAME]` section may hold.
    static let keys = ["url", "include", "exclude", "refspecs", "prune", "force", "deleteprotect", "retries", "timeout", "ssh_command"]

    /// The section prefix: `[push.github]` is destination `github`.
    package static let sectionPrefix = "push."

    /// Every `[push.NAME]` of the config, in file order; a bad value is a
    /// `ConfigError` naming the file, section and key.
    package static func all(in config: GrokConfig) throws(ConfigError) -> [PushDestination] {
        var destinations: [PushDestination] = []
        for section in config.document.sectionNames where section.hasPrefix(sectionPrefix) {
            destinations.append(try PushDestination(config: config, section: section))
        }
        return destinations
    }

    private init(config: GrokConfig, section: String) throws(ConfigError) {
        name = String(section.dropFirst(Self.sectionPrefix.count))
        func bad(_ key: String, _ value: String, _ expected: String) -> ConfigError {
            .badValue(path: config.path, section: section, key: key, value: value, expected: expected)
        }
        guard PlainName.isValid(name) else {
            throw bad("(section name)", name, "a destination name of letters, digits, '.', '_' and '-'")
        }
        // A misspelt key (`refspec`, `delete_protect`) would silently push
        // with a default that may delete or publish more than meant.
        if let unknown = config.document.ownKeys(in: section).sorted().first(where: { !Self.keys.contains($0) }) {
            throw .unknownKey(path: config.path, section: section, key: unknown, known: Self.keys)
        }
        guard let url = try config.string(section, "url"), !url.isEmpty else { throw .missingKey(path: config.path, section: section, key: "url") }
        urlTemplate = url
        let includes = try config.globs(section, "include")
        include = includes.isEmpty ? [Glob("*")] : includes
        exclude = try config.globs(section, "exclude")
        refspecs = try Self.refspecs(config, section: section)
        prune = try config.bool(section, "prune", default: true)
        force = try config.bool(section, "force", default: true)
        deleteProtect = try config.int(section, "deleteprotect", default: 50)
        guard (1...100).contains(deleteProtect) else { throw bad("deleteprotect", String(deleteProtect), "a percentage between 1 and 100") }
        retries = try config.int(section, "retries", default: 3)
        guard retries >= 1 else { throw bad("retries", String(retries), "1 or more") }
        timeout = try config.int(section, "timeout", default: 600)
        guard timeout >= 1 else { throw bad("timeout", String(timeout), "seconds, 1 or more") }
        sshCommand = try config.string(section, "ssh_command").flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func refspecs(_ config: GrokConfig, section: String) throws(ConfigError) -> [PushRefspec] {
        let words = ShellWords.whitespaceSplit(try config.string(section, "refspecs", default: ""))
        guard !words.isEmpty else { return PushRefspec.defaults }
        var parsed: [PushRefspec] = []
        for word in words {
            switch PushRefspec.parse(word) {
            case .success(let refspec): parsed.append(refspec)
            case .failure(let invalid):
                throw .badValue(path: config.path, section: section, key: "refspecs", value: word, expected: "a push refspec (\(invalid.reason))")
            }
        }
        return parsed
    }

    /// Whether this destination takes the repository.
    package func takes(_ gitdir: Gitdir, privateRepos: [Glob]) -> Bool {
        include.anyMatches(gitdir) && !exclude.anyMatches(gitdir) && !privateRepos.anyMatches(gitdir)
    }

    /// The destination URL of a repository: the template with `{gitdir}`
    /// and `{name}` filled in, in one pass (a gitdir holding `{name}` is
    /// not filled in again). Gitdirs are clean paths (no `..`, no empty
    /// components), so a template's fixed part bounds where they point; in
    /// a `scheme://` URL, which git and servers percent-decode, every byte
    /// of them but `A-Za-z0-9-._~/` is percent-encoded, so that a gitdir
    /// `/pub/%2e%2e/x.git` is not `/pub/../x.git` there, nor `#` a fragment.
    package func url(for gitdir: Gitdir) -> String {
        var name = PathUtilities.basename(gitdir.path)
        if name.hasSuffix(".git") { name.removeLast(4) }
        var values: [(placeholder: String, value: String)] = [("{gitdir}", String(gitdir.path.drop { $0 == "/" })), ("{name}", name)]
        if Self.isURL(urlTemplate) { values = values.map { ($0.placeholder, Self.percentEncoded($0.value)) } }
        var result = ""
        var rest = Substring(urlTemplate)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            rest = rest[open...]
            if let filled = values.first(where: { rest.hasPrefix($0.placeholder) }) {
                result += filled.value
                rest = rest.dropFirst(filled.placeholder.count)
            } else {
                result.append("{")
                rest = rest.dropFirst()
            }
        }
        return result + rest
    }

    /// The directory a `file:///` (or plain absolute path) destination URL
    /// names, percent-decoded as git decodes it; nil for other schemes.
    package static func localPath(of url: String) -> String? {
        if url.hasPrefix("file:///") { return CredentialRedaction.percentDecoded(String(url.dropFirst(7))) ?? String(url.dropFirst(7)) }
        return url.hasPrefix("/") ? url : nil
    }

    /// `scheme://…`, which git percent-decodes (scp-like `host:path` and
    /// plain paths it takes as they are).
    static func isURL(_ template: String) -> Bool {
        guard let separator = template.firstRange(of: "://") else { return false }
        let scheme = template[..<separator.lowerBound]
        return !scheme.isEmpty && scheme.utf8.allSatisfy { byte in byte < 0x80 && (isalnum(Int32(byte)) != 0 || "+-.".utf8.contains(byte)) }
    }

    private static func percentEncoded(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            if byte < 0x80, isalnum(Int32(byte)) != 0 || "-._~/".utf8.contains(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return output
    }

    /// What the destination's push state depends on besides the refs: a
    /// changed URL, refspec or mode pushes everything again. Credentials
    /// are left out (they change without changing what is there).
    package var settingsDigest: String {
        var hash = SHA1()
        hash.update([CredentialRedaction.displayable(urlTemplate), refspecs.map { $0.argument(force: force) }.joined(separator: " "),
                     prune ? "prune" : "", force ? "force" : ""].joined(separator: "\n"))
        return hash.hexDigest()
    }
}
