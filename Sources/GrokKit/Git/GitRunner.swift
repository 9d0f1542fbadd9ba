import Glibc

/// Runs the `git` binary (`GITBIN` overrides which one, as in grokmirror).
/// The repository is always given as `--git-dir=<path>`, so no path can be
/// mistaken for an option.
public struct GitRunner: Sendable {
    public let executable: String?
    public let timeout: Duration
    public let outputLimit: Int

    public init(executable: String? = Self.executableFromEnvironment(), timeout: Duration = .seconds(3600), outputLimit: Int = 1 << 30) {
        self.executable = executable
        self.timeout = timeout
        self.outputLimit = outputLimit
    }

    public static func executableFromEnvironment() -> String? {
        guard let value = getenv("GITBIN") else { return nil }
        let path = String(cString: value)
        return path.isEmpty ? nil : path
    }

    /// `git` looked up in PATH once per process, not by every spawn (a PATH
    /// search per spawn halved throughput).
    private static let gitInPath: String? = CommandRunner.lookUp("git")

    /// Runs `git --no-pager [--git-dir=<gitDir>] <arguments>`.
    public func run(gitDir: String?, _ arguments: [String], input: [UInt8]? = nil, timeout: Duration? = nil) async throws(GitError) -> GitResult {
        let full = ["--no-pager"] + (gitDir.map { ["--git-dir=" + $0] } ?? []) + arguments
        let label = (["git"] + arguments.prefix(2)).joined(separator: " ") + (gitDir.map { " in \($0)" } ?? "")
        guard let binary = executable ?? Self.gitInPath else { throw .launchFailed(command: label, reason: "git not found in PATH") }
        return try await CommandRunner.run(binary, full, input: input, timeout: timeout ?? self.timeout, outputLimit: outputLimit, label: label)
    }
}
