/// Resolves revisions and streams `git archive` for one mirror's
/// repositories. No string from a request reaches git where an option
/// could go: the revision, already validated, follows `--end-of-options`
/// in `rev-parse`, and `archive` is given the resolved commit id.
package struct ArchiveSource: Sendable {
    package let git: GitRunner
    /// How long one archive may take to build and send.
    package let timeout: Duration

    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    package init(git: GitRunner = GitRunner(timeout: .seconds(30)), timeout: Duration = .seconds(3600)) {
        self.git = git
        self.timeout = timeout
    }

    /// The commit `revision` names in `gitDir` (peeling tags), or nil.
    package func resolve(gitDir: String, revision: ArchiveRevision) async -> String? {
        let result = try? await git.run(gitDir: gitDir, ["rev-parse", "--verify", "--quiet", "--end-of-options", revision.text + "^{commit}"])
        guard let result, result.succeeded else { return nil }
        let id = result.output
        return Self.isObjectID(id) ? id : nil
    }

    /// Resolves `revision`; when it is missing, calls `request` once (which
    /// asks grok-pull to fetch the repository) and tries again every
    /// `interval` until `wait` has passed.
    package func resolve(gitDir: String, revision: ArchiveRevision, waiting wait: Duration = .seconds(10), interval: Duration = .milliseconds(200),
                         request: () -> Bool) async -> String? {
        if let commit = await resolve(gitDir: gitDir, revision: revision) { return commit }
        guard request() else { return nil }
        let deadline = ContinuousClock.now + wait
        while ContinuousClock.now < deadline {
            do { try await Task.sleep(for: interval) } catch { return nil }
            if let commit = await resolve(gitDir: gitDir, revision: revision) { return commit }
        }
        return nil
    }

    /// Streams the archive of `commit` (an object id from `resolve`) to
    /// `consume`, with every path under `prefix`. Throws what `consume`
    /// throws, a `CommandError`, or a `Failure` when git fails; by then
    /// part of the archive may have been consumed.
    package func build(gitDir: String, commit: String, format: ArchiveFormat, prefix: String,
                       consume: ([UInt8]) async throws -> Void) async throws {
        guard Self.isObjectID(commit) else { throw Failure(description: "not an object id: \(commit)") }
        guard let binary = git.executable ?? GitRunner.gitInPath else { throw Failure(description: "git not found in PATH") }
        // The tar.gz filter pinned to git's own deterministic gzip, whatever
        // a system or user configuration says.
        let arguments = ["--no-pager", "--git-dir=" + gitDir, "-c", "tar.tar.gz.command=git archive gzip", "-c", "tar.tgz.command=git archive gzip",
                         "archive", "--format=" + format.gitFormat, "--prefix=" + prefix, commit]
        let exit = try await StreamingCommand.run(binary, arguments, timeout: timeout, label: "git archive in \(gitDir)", consume: consume)
        guard exit.succeeded else { throw Failure(description: "git archive in \(gitDir) exited \(exit.exitCode): \(exit.errorOutput)") }
    }

    /// `<name>-<revision>/`, where name is the repository's last path
    /// component without `.git`.
    package static func prefix(gitdir: String, revision: ArchiveRevision) -> String {
        baseName(gitdir: gitdir) + "-" + revision.fileComponent + "/"
    }

    /// `<name>-<revision>.<extension>`, for `Content-Disposition`.
    package static func fileName(gitdir: String, revision: ArchiveRevision, format: ArchiveFormat) -> String {
        baseName(gitdir: gitdir) + "-" + revision.fileComponent + "." + format.fileExtension
    }

    package static func baseName(gitdir: String) -> String {
        let last = PathUtilities.basename(gitdir.hasSuffix("/") ? String(gitdir.dropLast()) : gitdir)
        let name = last.hasSuffix(".git") ? String(last.dropLast(4)) : last
        return name.isEmpty ? "archive" : name
    }

    /// 40 (SHA-1) or 64 (SHA-256) lowercase hex digits.
    package static func isObjectID(_ text: String) -> Bool {
        (text.utf8.count == 40 || text.utf8.count == 64) && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }
}
