/// grok-bundle from parsed options to exit code: grokmirror's (0, and 1
/// when the config cannot be used), plus 1 when a bundle failed or a
/// repository was refused. SIGINT and SIGTERM stop the bundle being
/// written (its temporary is removed) and exit 1.
package enum BundleCommand {
    package static func run(_ options: BundleOptions) async -> Int32 {
        guard let startup = ToolStartup.load(tool: "bundle", configPath: options.configPath, verbose: options.verbose,
                                             settings: { $0.core }) else {
            return 1
        }
        let logger = startup.logger
        let run = BundleRun(options: options, core: startup.settings, logger: logger)
        return await SignalCancellation.run(onSignal: { logger.info("Got signal \($0): removing the bundle in progress and exiting") }) {
            await run.run()
        }
    }
}
