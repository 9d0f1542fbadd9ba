import Logging

/// What grok-pull and grok-fsck start from: the config, loaded and
/// validated, the tool's settings from it, and the logger writing to
/// `core.log`. A failure is one line on stderr naming the file.
package struct ToolStartup<Settings: Sendable>: Sendable {
    package let config: GrokConfig
    package let settings: Settings
    package let logger: Logger
    /// Kept so a daemon can reopen it on SIGHUP.
    package let logFile: LogFile?

    /// Nil after reporting why the tool cannot start.
    package static func load(tool: String, configPath: String, verbose: Bool, collector: CriticalCollector? = nil,
                            settings makeSettings: (GrokConfig) throws(ConfigError) -> Settings) -> ToolStartup? {
        do {
            let config = try GrokConfig.load(path: configPath)
            try config.validate()
            let settings = try makeSettings(config)
            let core = config.core
            let file = try core.log.map { path throws(ConfigError) in try LogFile(path: path) }
            let logger = Logger.grok(tool: tool, verbose: verbose, file: file, debug: core.debug, collector: collector)
            return ToolStartup(config: config, settings: settings, logger: logger, logFile: file)
        } catch {
            StandardError.write("grok-\(tool): \(error.description)")
            return nil
        }
    }
}
