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
        let config: GrokConfig
        let settings: PullSettings
        do {
            config = try GrokConfig.load(path: arguments.configPath)
            try config.validate()
            settings = try PullSettings(config: config)
        } catch {
            StandardError.write("grok-pull: \(error.description)")
            return PullRun.ExitStatus.unusable.rawValue
        }
        if arguments.continuous && settings.refresh != nil {
            StandardError.write("grok-pull: continuous mode (-o with [pull] refresh) is not available yet in grokmirror-swift; run without -o from cron")
            return PullRun.ExitStatus.unusable.rawValue
        }
        let logger: Logger
        do { logger = try Logger.grok(tool: "pull", verbose: arguments.verbose, logFile: config.core.log, debug: config.core.debug) } catch {
            StandardError.write("grok-pull: \(error.description)")
            return PullRun.ExitStatus.unusable.rawValue
        }
        var options = PullRun.Options()
        options.noMtimeCheck = arguments.noMtimeCheck
        options.purge = arguments.purge
        options.forcePurge = arguments.forcePurge
        return await PullRun(config: config, settings: settings, options: options, logger: logger).run().rawValue
    }
}
