/// A git command that did not succeed: could not run, timed out, or exited
/// non-zero. `message` names the command and the repository, with git's
/// last words, ready for a one-line log entry.
package struct GitCommandFailure: Error, CustomStringConvertible {
    package let message: String
    package var description: String { message }
}

extension GitRunner {
    /// git in `gitDir`, where anything but success is a `GitCommandFailure`.
    /// `timeout` nil is the runner's own (an hour by default); the
    /// default five minutes suits the small config and ref commands that
    /// set repositories up.
    package func runOrFail(gitDir: String, _ arguments: [String], input: [UInt8]? = nil,
                          timeout: Duration? = .seconds(300)) async throws(GitCommandFailure) -> CommandResult {
        let result: CommandResult
        do { result = try await run(gitDir: gitDir, arguments, input: input, timeout: timeout) } catch {
            throw GitCommandFailure(message: error.description)
        }
        guard result.succeeded else {
            throw GitCommandFailure(message: "git \(arguments.prefix(2).joined(separator: " ")) failed in \(gitDir): \(result.errorOutput)")
        }
        return result
    }
}
