import Subprocess
import SystemPackage
import Glibc

/// What a finished command left behind. A non-zero exit is a result, not an
/// error: callers decide what each exit code means.
public struct CommandResult: Sendable {
    public let exitCode: Int32
    public let stdout: [UInt8]
    public let stderr: [UInt8]

    public var succeeded: Bool { exitCode == 0 }
    /// stdout decoded and stripped, as grokmirror reads it.
    public var output: String { String(decoding: stdout, as: UTF8.self).trimmingWhitespace() }
    public var errorOutput: String { String(decoding: stderr, as: UTF8.self).trimmingWhitespace() }
}

public typealias GitResult = CommandResult

/// Runs an executable with arguments (never through a shell), killing it at
/// a timeout, with stdout and stderr drained concurrently so neither pipe
/// can fill up and deadlock the child.
public enum CommandRunner {
    /// `name` found in PATH, or nil.
    public static func lookUp(_ name: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { String($0) + "/" + name }.first { access($0, X_OK) == 0 }
    }

    public static func run(_ executable: String, _ arguments: [String], input: [UInt8]? = nil, timeout: Duration, outputLimit: Int = 1 << 30, label: String? = nil) async throws(CommandError) -> CommandResult {
        let command = label ?? ([PathUtilities.basename(executable)] + arguments.prefix(2)).joined(separator: " ")
        let target = Executable.path(FilePath(executable))
        do {
            return try await withThrowingTaskGroup(of: CommandResult?.self) { group in
                group.addTask {
                    let outcome: ExecutionResult<Void, BytesOutput, BytesOutput>
                    if let input {
                        outcome = try await Subprocess.run(target, arguments: Arguments(arguments), input: .array(input),
                                                           output: .bytes(limit: outputLimit), error: .bytes(limit: outputLimit))
                    } else {
                        outcome = try await Subprocess.run(target, arguments: Arguments(arguments),
                                                           output: .bytes(limit: outputLimit), error: .bytes(limit: outputLimit))
                    }
                    switch outcome.terminationStatus {
                    case .exited(let code):
                        return CommandResult(exitCode: code, stdout: outcome.standardOutput, stderr: outcome.standardError)
                    case .signaled(let signal):
                        throw CommandError.killedBySignal(command: command, signal: signal)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let result = first else {
                    throw CommandError.timedOut(command: command, seconds: Int(timeout.components.seconds))
                }
                return result
            }
        } catch let error as CommandError {
            throw error
        } catch let error as SubprocessError {
            if error.code == .outputLimitExceeded { throw .outputTooLarge(command: command) }
            throw .launchFailed(command: command, reason: "\(error)")
        } catch {
            throw .launchFailed(command: command, reason: "\(error)")
        }
    }
}
