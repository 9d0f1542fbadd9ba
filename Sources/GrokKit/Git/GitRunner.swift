import Glibc

/// Runs the `git` binary (`GITBIN` overrides which one, as in grokmirror).
/// The repository is always given as `--git-dir=<path>`, so no path can be
/// mistaken for an option.
package struct GitRunner: Sendable {
    package let executable: String?
    package let timeout: Duration
    package let outputLimit: Int

    package init(executable: String? = Self.executableFromEnvironment(), timeout: Duration = .seconds(3600), outputLimit: Int = 1 << 30) {
        self.executable = executable
        self.timeout = timeout
        self.outputLimit = outputLimit
    }

    package static func executableFromEnvironment() -> String? {
        guard let value = getenv("GITBIN") else { return nil }
        let path = String(cString: value)
        return path.isEmpty ? nil : path
    }

    /// `git` looked up in PATH once per process, not by every spawn (a PATH
    /// search per spawn halved throughput).
    static let gitInPath: String? = CommandRunner.lookUp("git")

    /// Runs `git --no-pager [--git-dir=<gitDir>] <arguments>`. When the
    /// command is stopped (cancelled or timed out), the lock files it may
    /// have left in `gitDir` are removed (`GitLockFiles`).
    /// `environment` is added for this command only (see `CommandRunner.run`).
    package func run(gitDir: String?, _ arguments: [String], input: [UInt8]? = nil, timeout: Duration? = nil,
                     environment: [String: String] = [:]) async throws(GitError) -> GitResult {
        let full = ["--no-pager"] + (gitDir.map { ["--git-dir=" + $0] } ?? []) + arguments
        let label = (["git"] + arguments.prefix(2)).joined(separator: " ") + (gitDir.map { " in \($0)" } ?? "")
        guard let binary = executable ?? Self.gitInPath else { throw .launchFailed(command: label, reason: "git not found in PATH") }
        // A second early, for file times coarser than the clock.
        let started = Int(time(nil)) - 1
        do {
            return try await CommandRunner.run(binary, full, input: input, timeout: timeout ?? self.timeout, outputLimit: outputLimit, label: label,
                                               environment: environment)
        } catch {
            // A git stopped by us (a stop request, a timeout) may have been
            // killed before removing its lock files.
            switch error {
            case .cancelled, .timedOut: if let gitDir { GitLockFiles.removeLeftBy(gitDir: gitDir, since: started) }
            default: break
            }
            throw error
        }
    }
}
