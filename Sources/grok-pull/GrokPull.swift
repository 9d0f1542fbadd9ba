import ArgumentParser
import GrokCLI
import GrokKit

@main
struct GrokPull: GrokTool {
    static let configuration = CommandConfiguration(
        commandName: "grok-pull",
        abstract: "Create or update a mirror of a git repository collection.",
        version: GrokVersion.versionString
    )

    @OptionGroup var configFile: ConfigOption
    @OptionGroup var verbosity: VerboseOption
    @Flag(name: [.customShort("n"), .customLong("no-mtime-check")], help: "Run without checking manifest mtime")
    var noMtimeCheck = false
    @Flag(name: [.customShort("p"), .customLong("purge")], help: "Remove any git trees that are no longer in manifest")
    var purge = false
    @Flag(name: .customLong("force-purge"), help: "Force purge despite significant repo deletions")
    var forcePurge = false
    @Flag(name: [.customShort("o"), .customLong("continuous")], help: "Run continuously (no effect if refresh is not set in config)")
    var continuous = false

    func run() async throws {
        var arguments = PullCommand.Arguments(configPath: configFile.config)
        arguments.verbose = verbosity.verbose
        arguments.noMtimeCheck = noMtimeCheck
        arguments.purge = purge
        arguments.forcePurge = forcePurge
        arguments.continuous = continuous
        throw ExitCode(await PullCommand.run(arguments))
    }
}
