/// Why a command (git, a hook, a manifest command) did not produce a result.
package enum CommandError: Error, CustomStringConvertible {
    case launchFailed(command: String, reason: String)
    case timedOut(command: String, seconds: Int)
    case killedBySignal(command: String, signal: Int32)
    case outputTooLarge(command: String)
    /// The calling task was cancelled (a stop request): the command was
    /// stopped, or never started.
    case cancelled(command: String)

    package var description: String {
        switch self {
        case .launchFailed(let command, let reason): return "cannot run \(command): \(reason)"
        case .timedOut(let command, let seconds): return "\(command) did not finish within \(seconds)s and was killed"
        case .killedBySignal(let command, let signal): return "\(command) was killed by signal \(signal)"
        case .outputTooLarge(let command): return "\(command) produced more output than expected"
        case .cancelled(let command): return "\(command) was interrupted"
        }
    }
}

package typealias GitError = CommandError
