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
            guard let words = try? ShellWords.split(line), !words.isEmpty else {
                logger.warning("hook \(line) cannot be parsed, skipped")
                continue
            }
            await run(command: words, display: line, arguments: arguments, input: input, context: context)
        }
    }

    /// Runs one command given as words (the first, `~` expanded and looked
    /// up in PATH when it has no `/`, is the executable): what grok-dumb-pull's
    /// `-u` names, a path that is never split at spaces. A command that is
    /// not executable is skipped with a warning, as grokmirror does.
    package func run(command words: [String], display: String, arguments: [String] = [], input: [UInt8]? = nil, context: String) async {
        guard let first = words.first, let executable = CommandRunner.lookUp(GrokConfig.expandUser(first)), FileSystem.isFile(executable) else {
            logger.warning("hook \(display) is not executable, skipped")
            return
        }
        logger.info("     hook: \(display)")
        do {
            let result = try await CommandRunner.run(executable, Array(words.dropFirst()) + arguments, input: input, timeout: timeout)
            if !result.errorOutput.isEmpty { logger.warning("Hook Stderr (\(context)): \(result.errorOutput)") }
            if !result.output.isEmpty { logger.info("Hook Stdout (\(context)): \(result.output)") }
            if !result.succeeded { logger.warning("hook \(display) exited \(result.exitCode) (\(context))") }
        } catch {
            logger.warning("hook \(display) (\(context)): \(error.description)")
        }
    }
}
