import Logging

/// Runs the configured hook commands: each config line is one command
/// (shell-split, `~` expanded, never through a shell), with arguments
/// appended and optional stdin. Output is logged as grokmirror logs it.
package struct HookRunner: Sendable {
    package let logger: Logger
    package var timeout: Duration = .seconds(3600)

    package init(logger: Logger) { self.logger = logger }

    package func run(_ lines: [String], arguments: [String] = [], input: [UInt8]? = nil, context: String) async {
        for line in lines {
            guard var words = try? ShellWords.split(line), !words.isEmpty else {
                logger.warning("hook \(line) cannot be parsed, skipped")
                continue
            }
            guard let executable = CommandRunner.lookUp(GrokConfig.expandUser(words.removeFirst())), FileSystem.isFile(executable) else {
                logger.warning("hook \(line) is not executable, skipped")
                continue
            }
            logger.info("     hook: \(line)")
            do {
                let result = try await CommandRunner.run(executable, words + arguments, input: input, timeout: timeout)
                if !result.errorOutput.isEmpty { logger.warning("Hook Stderr (\(context)): \(result.errorOutput)") }
                if !result.output.isEmpty { logger.info("Hook Stdout (\(context)): \(result.output)") }
                if !result.succeeded { logger.warning("hook \(line) exited \(result.exitCode) (\(context))") }
            } catch {
                logger.warning("hook \(line) (\(context)): \(error.description)")
            }
        }
    }
}
