/// Runs public-inbox tools for grok-pi-indexer: found in PATH, never
/// through a shell, with `PI_CONFIG` added to the inherited environment
/// (grokmirror handed over PATH alone, losing HOME and TMPDIR), and
/// stopped at the timeout.
package struct PublicInboxRunner: Sendable {
    package let piConfig: String
    package let timeout: Duration

    package init(piConfig: String, timeout: Duration) {
        self.piConfig = piConfig
        self.timeout = timeout
    }

    /// Runs `invocation` to completion; throws when the tool is missing,
    /// exits non-zero, is killed or times out (its first stderr line, where
    /// public-inbox and git say what went wrong, is part of the message;
    /// the rest is usually usage text).
    package func run(_ invocation: PublicInboxInvocation) async throws(PiIndexerFailure) {
        let subject = invocation.inboxdir.map { " for \($0)" } ?? ""
        guard let executable = CommandRunner.lookUp(invocation.tool) else {
            throw PiIndexerFailure("\(invocation.tool) not found in PATH (is public-inbox installed?)\(subject)")
        }
        let result: CommandResult
        do {
            result = try await CommandRunner.run(executable, invocation.arguments, timeout: timeout, outputLimit: 64 << 20,
                                                 label: invocation.tool, environment: ["PI_CONFIG": piConfig])
        } catch {
            throw PiIndexerFailure("\(invocation.tool) failed\(subject): \(error.description)")
        }
        guard result.succeeded else {
            let detail = result.errorOutput.split(separator: "\n").first.map { ": " + $0.trimmingWhitespace() } ?? ""
            throw PiIndexerFailure("\(invocation.tool) exited \(result.exitCode)\(subject)\(detail)")
        }
    }
}
