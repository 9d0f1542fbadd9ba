import Logging

/// grok-manifest from parsed arguments to exit code: the whole tool, minus
/// argument parsing.
package enum ManifestCommand {
    package static func run(_ cli: ManifestOptions.CommandLine) async -> Int32 {
        let options: ManifestOptions
        do { options = try ManifestOptions.resolve(cli) } catch {
            StandardError.write("grok-manifest: \(error.description)")
            return ManifestUpdater.ExitStatus.usage.rawValue
        }
        let file: LogFile?
        do { file = try options.logFile.map { path throws(ConfigError) in try LogFile(path: path) } } catch {
            StandardError.write("grok-manifest: \(error.description)")
            return ManifestUpdater.ExitStatus.usage.rawValue
        }
        let logger = Logger.grok(tool: "manifest", verbose: options.verbose, file: file, debug: options.debug)
        return await ManifestUpdater(options: options, logger: logger).run().rawValue
    }
}
