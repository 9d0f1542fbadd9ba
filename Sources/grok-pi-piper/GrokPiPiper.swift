import ArgumentParser
import GrokCLI
import GrokKit

@main
struct GrokPiPiper: GrokTool {
    static let configuration = CommandConfiguration(
        commandName: "grok-pi-piper",
        abstract: "Pipe new messages from public-inbox repositories to arbitrary commands.",
        discussion: "Meant as grok-pull's post_update_hook: grok-pull appends the repository it updated.",
        version: GrokVersion.versionString
    )

    @OptionGroup var configFile: ConfigOption
    @OptionGroup var verbosity: VerboseOption
    @Flag(name: [.customShort("d"), .customLong("dry-run")], help: "Do a dry-run and just show what would be done")
    var dryRun = false
    @Option(name: [.customShort("l"), .customLong("pipe-last")], help: "Force pipe last NN messages in the list, regardless of tracking")
    var pipeLast: Int?
    @Argument(help: "Full path to foo/git/N.git public-inbox repository")
    var repo: String

    func validate() throws {
        if let pipeLast, pipeLast < 0 { throw ValidationError("--pipe-last must not be negative") }
    }

    func run() async throws {
        var arguments = PiPiperCommand.Arguments(configPath: configFile.config, repo: repo)
        arguments.verbose = verbosity.verbose
        arguments.dryRun = dryRun
        arguments.pipeLast = pipeLast
        throw ExitCode(await PiPiperCommand.run(arguments))
    }
}
