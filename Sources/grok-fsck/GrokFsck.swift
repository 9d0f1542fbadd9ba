import ArgumentParser
import GrokCLI
import GrokKit

@main
struct GrokFsck: GrokTool {
    static let configuration = CommandConfiguration(
        commandName: "grok-fsck",
        abstract: "Optimize and check mirrored repositories.",
        version: GrokVersion.versionString
    )

    @OptionGroup var verbosity: VerboseOption
    @Flag(name: [.customShort("f"), .customLong("force")], help: "Force immediate run on all repositories")
    var force = false
    @OptionGroup var configFile: ConfigOption
    @Flag(name: .customLong("repack-only"), help: "Only find and repack repositories that need optimizing")
    var repackOnly = false
    @Flag(name: .customLong("connectivity-only"), help: "Only check connectivity when running fsck checks")
    var connectivityOnly = false
    @Flag(name: .customLong("repack-all-quick"), help: "(Assumes --force): Do a quick repack of all repos")
    var repackAllQuick = false
    @Flag(name: .customLong("repack-all-full"), help: "(Assumes --force): Do a full repack of all repos")
    var repackAllFull = false

    func validate() throws {
        if repackAllQuick && repackAllFull { throw ValidationError("Pick either --repack-all-full or --repack-all-quick") }
    }

    func run() async throws {
        var arguments = FsckCommand.Arguments(configPath: configFile.config)
        arguments.verbose = verbosity.verbose
        arguments.options.force = force
        arguments.options.repackOnly = repackOnly
        arguments.options.connectivityOnly = connectivityOnly
        arguments.options.repackAllQuick = repackAllQuick
        arguments.options.repackAllFull = repackAllFull
        throw ExitCode(await FsckCommand.run(arguments))
    }
}
