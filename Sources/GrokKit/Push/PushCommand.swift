/// grok-push from parsed arguments to exit code: 0 when everything was
/// pushed, 1 when something failed, 2 when the config is unusable.
/// SIGINT and SIGTERM stop the pushes in progress and exit 0; what
/// finished stays recorded, and the next run pushes the rest.
package enum PushCommand {
    package struct Arguments: Sendable {
        package var configPath: String
        package var verbose = false
        /// Overrides `deleteprotect` for this run.
        package var force = false
        package var repositories: [String] = []
        package init(configPath: String) { self.configPath = configPath }
    }

    package static func run(_ arguments: Arguments) async -> Int32 {
        guard let startup = ToolStartup.load(tool: "push", configPath: arguments.configPath, verbose: arguments.verbose,
                                             settings: PushSettings.init(config:)) else {
            return 2
        }
        let logger = startup.logger
        let run = PushRun(settings: startup.settings, logger: logger, force: arguments.force)
        return await SignalCancellation.run(onSignal: { logger.info("Got signal \($0): recording finished pushes and exiting") }) {
            await run.run(arguments: arguments.repositories)
        }
    }
}
