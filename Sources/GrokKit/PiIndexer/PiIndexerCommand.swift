import Glibc
import Logging

/// grok-pi-indexer from parsed arguments to exit code: 0 done (or nothing
/// to do), 1 something failed (each failure one critical line naming the
/// inbox or path), 2 unusable arguments. SIGINT and SIGTERM stop the
/// public-inbox tool running (a failure of that inbox) and the run.
package enum PiIndexerCommand {
    package enum Subcommand: Sendable, Equatable {
        /// `init`: the inbox of `inboxdir`, else the paths on stdin.
        case initialize(PiInitOptions)
        /// `update REPO...`: the inboxes of these epochs.
        case update([String])
        case extindex
    }

    package static func run(_ options: PiIndexerOptions, _ subcommand: Subcommand) async -> Int32 {
        if let problem = usageProblem(options, subcommand) {
            StandardError.write("grok-pi-indexer: \(problem)")
            return 2
        }
        let file: LogFile?
        do {
            file = try options.logFile.map { path throws(ConfigError) in try LogFile(path: path) }
        } catch {
            StandardError.write("grok-pi-indexer: \(error.description)")
            return 1
        }
        let logger = Logger.grok(tool: "pi-indexer", verbose: options.verbose, file: file, debug: options.verbose)
        let run = PiIndexerRun(options: options, logger: logger)
        return await SignalCancellation.run(onSignal: { logger.info("Got signal \($0): stopping") }) {
            switch subcommand {
            case .initialize(let initOptions):
                let paths = initOptions.inboxdir.map { [$0] } ?? hookInput()
                return await run.run(paths: paths, mode: .initialize, initOptions: initOptions)
            case .update(let repositories):
                return await run.run(paths: repositories, mode: .update)
            case .extindex:
                return await run.extindex()
            }
        }
    }

    /// What argparse would have refused, or grokmirror silently ignored.
    package static func usageProblem(_ options: PiIndexerOptions, _ subcommand: Subcommand) -> String? {
        if !PiIndexerOptions.indexLevels.contains(options.indexLevel) {
            return "unknown index level \(options.indexLevel) (full, medium or basic)"
        }
        if let jobs = options.jobs, jobs < 0 { return "--jobs must be 0 or more" }
        if case .initialize(let initOptions) = subcommand, initOptions.forceReinit, initOptions.inboxdir == nil {
            return "--force-reinit needs the inboxdir to reinitialize"
        }
        if case .update(let repositories) = subcommand, repositories.isEmpty { return "update needs a repository path" }
        return nil
    }

    /// The repository paths grok-pull's post_clone_complete_hook writes to
    /// stdin; none when stdin is a terminal (run by hand: nothing to do).
    static func hookInput() -> [String] {
        guard isatty(0) == 0, let input = FileSystem.read("/dev/stdin") else { return [] }
        return InboxSelection.lines(input)
    }
}
