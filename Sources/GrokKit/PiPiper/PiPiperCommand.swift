import Logging

/// grok-pi-piper from parsed arguments to exit code, as grokmirror 2.0.12
/// exits: 0 when everything new was piped (or `pipe = None`), the pipe's
/// exit code when it failed on a message, 1 when the config, the pipe or
/// the repository is unusable (one line on stderr, nothing recorded).
/// SIGINT and SIGTERM let the message being piped finish, record it, and
/// exit 0; the next run pipes the rest.
package enum PiPiperCommand {
    package struct Arguments: Sendable {
        package var configPath: String
        /// The epoch repository, `<list>/git/<N>.git`, as grok-pull passes it.
        package var repo: String
        package var verbose = false
        package var dryRun = false
        /// `-l N`.
        package var pipeLast: Int? = nil
        package init(configPath: String, repo: String) {
            self.configPath = configPath
            self.repo = repo
        }
    }

    package static func run(_ arguments: Arguments) async -> Int32 {
        // `-c ~/...` arrives unexpanded from a post_update_hook line.
        let configPath = GrokConfig.expandUser(arguments.configPath)
        let settings: PiPiperSettings
        let file: LogFile?
        do {
            settings = try PiPiperSettings.load(path: configPath, repo: arguments.repo)
            if settings.pipe == .disabled { return 0 }
            file = try settings.log.map { path throws(ConfigError) in try LogFile(path: path) }
        } catch {
            StandardError.write("grok-pi-piper: \(error.description)")
            return 1
        }
        // Named `pull` in the log file, as grokmirror's grok-pi-piper is.
        let logger = Logger.grok(tool: "pull", verbose: arguments.verbose, file: file, debug: settings.debug)
        guard case .command(let line) = settings.pipe else {
            logger.critical("\(configPath): no pipe for \(arguments.repo) in [\(settings.section)] (pipe = None skips a list)")
            return 1
        }
        let pipe: PipeCommand
        do { pipe = try PipeCommand(line) } catch {
            logger.critical("\(error.description)")
            return 1
        }
        var run = PiPiperRun(repo: arguments.repo, settings: settings, pipe: pipe, logger: logger)
        run.dryRun = arguments.dryRun
        run.pipeLast = arguments.pipeLast
        let work = run
        return await SignalCancellation.run(onSignal: { logger.info("Got signal \($0): stopping after the message being piped") }) {
            await work.run()
        }
    }
}
