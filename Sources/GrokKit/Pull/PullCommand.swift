import Logging

/// grok-pull from parsed arguments to exit code.
public enum PullCommand {
    public struct Arguments: Sendable {
        public var configPath: String
        public var verbose = false
        public var noMtimeCheck = false
        public var purge = false
        public var forcePurge = false
        public var continuous = false
        public init(configPath: String) { self.configPath = configPath }
    }

    public static func run(_ arguments: Arguments) async -> Int32 {
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
