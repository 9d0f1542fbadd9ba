import Logging

/// grok-pull from parsed arguments to exit code.
package enum PullCommand {
    package struct Arguments: Sendable {
        package var configPath: String
        package var verbose = false
        package var noMtimeCheck = false
        package var purge = false
        package var forcePurge = false
        package var continuous = false
        package init(configPath: String) { self.configPath = configPath }
    }

    package static func run(_ arguments: Arguments) async -> Int32 {
        guard let startup = ToolStartup.load(tool: "pull", configPath: arguments.configPath, verbose: arguments.verbose,
                                             settings: PullSettings.init(config:)) else {
            return PullRun.ExitStatus.unusable.rawValue
        }
        var options = PullRun.Options()
        options.noMtimeCheck = arguments.noMtimeCheck
        options.purge = arguments.purge
        options.forcePurge = arguments.forcePurge
        let run = PullRun(config: startup.config, settings: startup.settings, options: options, logger: startup.logger)
        // As grokmirror: -o without refresh in the config runs once.
        let continuous = arguments.continuous && startup.settings.refresh != nil
        let scheduler = PullScheduler(run: run, continuous: continuous, logFile: startup.logFile, notifier: SystemdNotifier())
        return await scheduler.run().rawValue
    }
}
