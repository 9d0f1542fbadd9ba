import Glibc
import Logging

/// grok-dumb-pull from parsed arguments to exit code: 0 when everything
/// was fetched, 1 when a PATH or a repository failed, 2 when the config or
/// the log file is unusable. With `-o` and a refresh it keeps polling
/// until SIGINT or SIGTERM, which stop the fetches in progress and exit 0
/// (a signal ends a single pass the same way).
package enum DumbPullCommand {
    package struct Arguments: Sendable {
        package var paths: [String]
        package var verbose = false
        package var svn = false
        /// `-r` globs; nil means every remote.
        package var remoteGlobs: [String]? = nil
        package var hook: String? = nil
        package var logFile: String? = nil
        package var configPath: String? = nil
        package var jobs: Int? = nil
        package var continuous = false
        package var refresh: Int? = nil
        /// Seconds each fetch may take.
        package var timeout = 3600
        package init(paths: [String]) { self.paths = paths }
    }

    package static func run(_ arguments: Arguments) async -> Int32 {
        let config: GrokConfig?
        let logFile: LogFile?
        do {
            config = try arguments.configPath.map { path throws(ConfigError) in
                let loaded = try GrokConfig.load(path: path)
                try loaded.validate()
                return loaded
            }
            let logPath = arguments.logFile.map(GrokConfig.expandUser) ?? config?.core.log
            logFile = try logPath.map { path throws(ConfigError) in try LogFile(path: path) }
        } catch {
            StandardError.write("grok-dumb-pull: \(error.description)")
            return 2
        }
        let logger = Logger.grok(tool: "dumb-pull", verbose: arguments.verbose, file: logFile, debug: config?.core.debug ?? false)
        let run: DumbPullRun
        let interval: Int?
        do {
            run = try makeRun(arguments, config: config, logger: logger)
            interval = DumbPullDecision.pollInterval(continuous: arguments.continuous, refresh: arguments.refresh,
                                                     configured: try config?.int("pull", "refresh", default: 0))
        } catch {
            StandardError.write("grok-dumb-pull: \(error.description)")
            return 2
        }
        return await SignalCancellation.run(onSignal: { logger.info("Got signal \($0): stopping the fetches in progress and exiting") }) {
            await poll(run, every: interval)
        }
    }

    /// Passes until a signal, `interval` seconds from the end of one to the
    /// start of the next; one pass without an interval.
    static func poll(_ run: DumbPullRun, every interval: Int?) async -> Int32 {
        if let interval { run.logger.info("Running continuously, polling every \(interval)s") }
        while true {
            let failures = await run.pass()
            guard let interval, !Task.isCancelled else {
                return DumbPullDecision.exitStatus(failures: failures.count, interrupted: Task.isCancelled)
            }
            guard (try? await Task.sleep(for: .seconds(interval))) != nil else { return 0 }
        }
    }

    static func makeRun(_ arguments: Arguments, config: GrokConfig?, logger: Logger) throws(ConfigError) -> DumbPullRun {
        let git = GitRunner(timeout: .seconds(arguments.timeout))
        let globs = (arguments.remoteGlobs ?? ["*"]).map(Glob.init)
        let fetcher = DumbPullFetcher(globs: globs, svn: arguments.svn, git: git, logger: logger)
        var push: DumbPullPush? = nil
        if let config {
            let destinations = try PushDestination.all(in: config)
            if !destinations.isEmpty {
                let core = config.core
                let pusher = RepositoryPusher(destinations: destinations, privateRepos: core.privateRepos,
                                              store: PushStateStore(path: PushStateStore.path(forLocalManifest: core.manifest)),
                                              health: DestinationHealth(), git: GitRunner(), logger: logger)
                push = DumbPullPush(toplevel: core.toplevel, pusher: pusher, logger: logger)
            }
        }
        let worker = DumbPullWorker(fetcher: fetcher, hook: arguments.hook.flatMap { $0.isEmpty ? nil : $0 }, push: push,
                                    objstorePlumbing: config?.core.objstoreUsesPlumbing ?? false)
        let configured = try config?.int("pull", "pull_threads", default: 0)
        return DumbPullRun(paths: arguments.paths, threads: DumbPullDecision.threads(option: arguments.jobs, configured: configured), worker: worker)
    }
}
