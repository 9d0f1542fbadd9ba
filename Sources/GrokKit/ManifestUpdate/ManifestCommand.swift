import Logging

/// grok-manifest from parsed arguments to exit code: the whole tool, minus
/// argument parsing.
public enum ManifestCommand {
    public static func run(_ cli: ManifestOptions.CommandLine) async -> Int32 {
        let options: ManifestOptions
        do { options = try ManifestOptions.resolve(cli) } catch {
            StandardError.write("grok-manifest: \(error.description)")
            return ManifestUpdater.ExitStatus.usage.rawValue
        }
        let logger: Logger
        do { logger = try Logger.grok(tool: "manifest", verbose: options.verbose, logFile: options.logFile, debug: options.debug) } catch {
            StandardError.write("grok-manifest: \(error.description)")
            return ManifestUpdater.ExitStatus.usage.rawValue
        }
        return await ManifestUpdater(options: options, logger: logger).run().rawValue
    }
}
