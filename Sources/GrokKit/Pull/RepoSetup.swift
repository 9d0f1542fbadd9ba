import Glibc

/// Creates and configures mirror repositories the way grokmirror does:
/// `init --bare`, no sample hooks, `gc.auto=0`, FETCH_HEAD a symlink to
/// /dev/null, a `--mirror=fetch` remote (no `+` for ffonly repositories),
/// and description, owner and HEAD as the origin lists them.
public struct RepoSetup: Sendable {
    public let git: GitRunner
    public let settings: PullSettings

    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public func initialize(_ repo: ContainedPath) async throws(Failure) {
        do { try repo.createParents() } catch { throw Failure(message: error.description) }
        let result = try await gitOrFail(repo.path, ["init", "--bare", "--quiet"])
        _ = result
        for name in FileSystem.listDirectory(repo.path + "/hooks") ?? [] where name.hasSuffix(".sample") {
            unlink(repo.path + "/hooks/" + name)
        }
        _ = try await gitOrFail(repo.path, ["config", "gc.auto", "0"])
        unlink(repo.path + "/FETCH_HEAD")
        symlink("/dev/null", repo.path + "/FETCH_HEAD")
    }

    /// (Re)creates the fetch remote for `gitdir`.
    public func resetRemote(_ repo: ContainedPath, gitdir: String) async throws(Failure) {
        let name = settings.remoteName
        let existing = try await gitOrFail(repo.path, ["remote"]).output.split(separator: "\n").map(String.init)
        if existing.contains(name) { _ = try await gitOrFail(repo.path, ["remote", "remove", "--", name]) }
        _ = try await gitOrFail(repo.path, ["remote", "add", "--mirror=fetch", "--", name, settings.url(for: gitdir)])
        if settings.ffOnly.anyMatches(gitdir) {
            _ = try await gitOrFail(repo.path, ["config", "remote.\(name).fetch", "refs/*:refs/*"])
        }
    }

    public func hasRemote(_ repo: ContainedPath) async -> Bool {
        guard let result = try? await git.run(gitDir: repo.path, ["remote"]) else { return false }
        return result.output.split(separator: "\n").contains { $0 == settings.remoteName }
    }

    /// Writes description, gitweb.owner and HEAD where they differ.
    public func applyParameters(_ repo: ContainedPath, entry: ManifestEntry) async throws(Failure) {
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
        let result: CommandResult
        do { result = try await git.run(gitDir: gitDir, arguments, timeout: .seconds(300)) } catch {
            throw Failure(message: error.description)
        }
        guard result.succeeded else {
            throw Failure(message: "git \(arguments.prefix(2).joined(separator: " ")) failed in \(gitDir): \(result.errorOutput)")
        }
        return result
    }
}
