import Glibc

/// Creates and configures mirror repositories the way grokmirror does:
/// `init --bare`, no sample hooks, `gc.auto=0`, FETCH_HEAD a symlink to
/// /dev/null, a `--mirror=fetch` remote (no `+` for ffonly repositories),
/// and description, owner and HEAD as the origin lists them.
package struct RepoSetup: Sendable {
    package let git: GitRunner
    package let settings: PullSettings

    package struct Failure: Error, CustomStringConvertible {
        package let message: String
        package var description: String { message }
    }

    package func initialize(_ repo: ContainedPath) async throws(Failure) {
        do { try repo.createParents() } catch { throw Failure(message: error.description) }
        do { try await BareRepository.initialize(repo.path, git: git) } catch { throw Failure(message: error.message) }
    }

    /// The config a new mirror repository gets after `git init`: what
    /// `git config gc.auto 0` and `git remote add --mirror=fetch` write,
    /// appended in one go instead of two more git processes per clone.
    static func newRepositoryConfig(remoteName: String, url: String, ffOnly: Bool) -> String? {
        guard !remoteName.isEmpty, remoteName.utf8.allSatisfy({ $0 < 0x80 && (isalnum(Int32($0)) != 0 || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".")) }),
              !url.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return nil }
        var quotedURL = "\""
        for character in url {
            if character == "\\" || character == "\"" { quotedURL.append("\\") }
            quotedURL.append(character)
        }
        quotedURL.append("\"")
        return "[gc]\n\tauto = 0\n[remote \"\(remoteName)\"]\n\turl = \(quotedURL)\n\tfetch = \(ffOnly ? "" : "+")refs/*:refs/*\n"
    }

    /// A fresh repository: gc.auto off and the fetch remote, written
    /// directly when the values are plain, else through git.
    package func configureNew(_ repo: ContainedPath, gitdir: Gitdir) async throws(Failure) {
        let ffOnly = settings.ffOnly.anyMatches(gitdir)
        if let text = Self.newRepositoryConfig(remoteName: settings.remoteName, url: settings.url(for: gitdir), ffOnly: ffOnly),
           var config = FileSystem.read(repo.path + "/config") {
            config += Array(text.utf8)
            guard AtomicFile.write(config, to: repo.path + "/config") else { throw Failure(message: "cannot write \(repo.path)/config") }
            return
        }
        _ = try await gitOrFail(repo.path, ["config", "gc.auto", "0"])
        try await resetRemote(repo, gitdir: gitdir)
    }

    /// (Re)creates the fetch remote for `gitdir`.
    package func resetRemote(_ repo: ContainedPath, gitdir: Gitdir) async throws(Failure) {
        let name = settings.remoteName
        let existing = try await gitOrFail(repo.path, ["remote"]).output.split(separator: "\n").map(String.init)
        if existing.contains(name) { _ = try await gitOrFail(repo.path, ["remote", "remove", "--", name]) }
        _ = try await gitOrFail(repo.path, ["remote", "add", "--mirror=fetch", "--", name, settings.url(for: gitdir)])
        if settings.ffOnly.anyMatches(gitdir) {
            _ = try await gitOrFail(repo.path, ["config", "remote.\(name).fetch", "refs/*:refs/*"])
        }
    }

    /// Whether the fetch remote is configured (read from the config file;
    /// git is asked only when the file does not parse plainly).
    package func hasRemote(_ repo: ContainedPath) async -> Bool {
        if let bytes = FileSystem.read(repo.path + "/config", limit: 1 << 22), let config = GitConfigFile(bytes) {
            return config.entries.contains { $0.key == "remote.\(settings.remoteName).url" }
        }
        guard let result = try? await git.run(gitDir: repo.path, ["remote"]) else { return false }
        return result.output.split(separator: "\n").contains { $0 == settings.remoteName }
    }

    /// Writes description, gitweb.owner and HEAD where they differ.
    package func applyParameters(_ repo: ContainedPath, entry: ManifestEntry) async throws(Failure) {
        let description = entry.description, owner = entry.owner, head = entry.head
        if description == nil && owner == nil && head == nil { return }
        if let description, FileSystem.readString(repo.path + "/description") != description {
            guard AtomicFile.write(Array(description.utf8), to: repo.path + "/description") else {
                throw Failure(message: "cannot write \(repo.path)/description")
            }
        }
        if let owner {
            _ = try await gitOrFail(repo.path, ["config", "--replace-all", "gitweb.owner", owner])
        }
        if let head, FileSystem.readString(repo.path + "/HEAD")?.trimmingWhitespace() != head {
            guard AtomicFile.write(Array((head + "\n").utf8), to: repo.path + "/HEAD") else {
                throw Failure(message: "cannot write \(repo.path)/HEAD")
            }
        }
    }

    private func gitOrFail(_ gitDir: String, _ arguments: [String]) async throws(Failure) -> CommandResult {
        do { return try await git.runOrFail(gitDir: gitDir, arguments) } catch { throw Failure(message: error.message) }
    }
}
