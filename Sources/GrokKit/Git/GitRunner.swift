import Subprocess
import SystemPackage
import Glibc

/// What a finished git command left behind. A non-zero exit is a result, not
/// an error: callers decide what each exit code means.
public struct GitResult: Sendable {
    public let exitCode: Int32
    public let stdout: [UInt8]
    public let stderr: [UInt8]

    public var succeeded: Bool { exitCode == 0 }
    /// stdout decoded and stripped, as grokmirror reads it.
    public var output: String { String(decoding: stdout, as: UTF8.self).trimmingWhitespace() }
    public var errorOutput: String { String(decoding: stderr, as: UTF8.self).trimmingWhitespace() }
}

/// Runs the `git` binary (`GITBIN` overrides which one, as in grokmirror).
/// The repository is always given as `--git-dir=<path>`, so no path can be
/// mistaken for an option; each run has a timeout after which git is killed;
/// stdout and stderr are drained concurrently so neither pipe can fill up
/// and deadlock the child.
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

    /// `git` looked up in PATH once per process, not by every spawn.
    private static let gitInPath: String? = {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { String($0) + "/git" }.first { access($0, X_OK) == 0 }
    }()

    private var launchTarget: Executable {
        if let chosen = executable ?? Self.gitInPath { return .path(FilePath(chosen)) }
        return .name("git")
    }

    /// Runs `git --no-pager [--git-dir=<gitDir>] <arguments>`.
    public func run(gitDir: String?, _ arguments: [String], input: [UInt8]? = nil, timeout: Duration? = nil) async throws(GitError) -> GitResult {
        let full = ["--no-pager"] + (gitDir.map { ["--git-dir=" + $0] } ?? []) + arguments
        let command = (["git"] + arguments.prefix(2)).joined(separator: " ") + (gitDir.map { " in \($0)" } ?? "")
        let limit = timeout ?? self.timeout
        let target = launchTarget
        let outputLimit = self.outputLimit
        do {
            return try await withThrowingTaskGroup(of: GitResult?.self) { group in
                group.addTask {
                    let outcome: ExecutionResult<Void, BytesOutput, BytesOutput>
                    if let input {
                        outcome = try await Subprocess.run(target, arguments: Arguments(full), input: .array(input),
                                                           output: .bytes(limit: outputLimit), error: .bytes(limit: outputLimit))
                    } else {
                        outcome = try await Subprocess.run(target, arguments: Arguments(full),
                                                           output: .bytes(limit: outputLimit), error: .bytes(limit: outputLimit))
                    }
                    switch outcome.terminationStatus {
                    case .exited(let code):
                        return GitResult(exitCode: code, stdout: outcome.standardOutput, stderr: outcome.standardError)
                    case .signaled(let signal):
                        throw GitError.killedBySignal(command: command, signal: signal)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let result = first else {
                    throw GitError.timedOut(command: command, seconds: Int(limit.components.seconds))
                }
                return result
            }
        } catch let error as GitError {
            throw error
        } catch let error as SubprocessError {
            if error.code == .outputLimitExceeded { throw .outputTooLarge(command: command) }
            throw .launchFailed(command: command, reason: "\(error)")
        } catch {
            throw .launchFailed(command: command, reason: "\(error)")
        }
    }
}
